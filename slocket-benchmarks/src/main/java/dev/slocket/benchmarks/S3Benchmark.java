package dev.slocket.benchmarks;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.s3.RequestCounter;
import dev.slocket.s3.S3LockOptions;
import dev.slocket.s3.S3ProxyServer;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 requests and latency of one uncontended acquire+release on a local S3Proxy that this
 * benchmark starts itself, beside two floors measured in the same run with the same client: one
 * {@code ListObjectsV2} round trip, and the two requests an acquire+release waits for when the
 * registry released the lock last itself (conditional create of the next generation, conditional
 * create of its release marker) sent raw, without any lock logic. Superseded generations are
 * deleted in the background a lease later; the run waits for those deletes and counts them too.
 *
 * <p>Then what waiting costs ({@link S3WaitingCost}): requests by type per waiter-minute with one
 * holder and 1, 10 and 50 waiters. Every request count is also priced at AWS's S3 Standard
 * request prices ({@link S3Prices}).
 *
 * <p>Arguments: {@code [iterations] [warm-up iterations] [waiting seconds counted]}, default 1000,
 * 300 and 60.
 */
public final class S3Benchmark {

    private S3Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        Duration window = Duration.ofSeconds(args.length > 2 ? Integer.parseInt(args[2]) : 60);
        S3LockOptions options = S3LockOptions.defaults(S3ProxyServer.BUCKET);
        try (S3ProxyServer server = S3ProxyServer.create()) {
            server.start();
            server.createBucket(S3ProxyServer.BUCKET);
            try (S3Client client = server.client(); LockRegistry locks = Slocket.s3(client, options)) {
                for (int i = 0; i < warmup; i++) {
                    locks.acquire("warm-up").release();
                    listOnce(client);
                    rawSequence(client, "warm-up/", i);
                }
            }
            RequestCounter counter = new RequestCounter();
            try (S3Client client = server.client(counter); LockRegistry locks = Slocket.s3(client, options)) {
                // interleaved, so that the machine's noise hits all three series alike
                long[] cycle = new long[iterations];
                long[] floor = new long[iterations];
                long[] raw = new long[iterations];
                int lockRequests = 0;
                int maxRequests = 0;
                Map<String, Integer> byType = new TreeMap<>();
                for (int i = 0; i < iterations; i++) {
                    long start = System.nanoTime();
                    listOnce(client);
                    floor[i] = System.nanoTime() - start;
                    start = System.nanoTime();
                    rawSequence(client, "raw/", i);
                    raw[i] = System.nanoTime() - start;
                    counter.reset();
                    start = System.nanoTime();
                    locks.acquire("bench").release();
                    cycle[i] = System.nanoTime() - start;
                    Map<String, Integer> cycleByType = counter.resetByOperation();
                    cycleByType.forEach((type, sentOfType) -> byType.merge(type, sentOfType, Integer::sum));
                    int sent = S3Prices.total(cycleByType);
                    lockRequests += sent;
                    maxRequests = Math.max(maxRequests, sent);
                }
                long drainStart = System.nanoTime();
                Map<String, Integer> deferredByType = awaitDeferredDeletes(server, options.keyPrefix() + "bench/",
                        counter, options.lease().multipliedBy(3));
                int deferred = S3Prices.total(deferredByType);
                deferredByType.forEach((type, sentOfType) -> byType.merge(type, sentOfType, Integer::sum));
                System.out.printf(Locale.ROOT, "S3 uncontended acquire+release, %d iterations, lease %s%n",
                        iterations, options.lease());
                System.out.printf(Locale.ROOT, "  S3 requests per acquire+release while it ran: mean %.2f, max %d"
                        + " (deletes sent in the background during a cycle count for that cycle)%n",
                        lockRequests / (double) iterations, maxRequests);
                System.out.printf(Locale.ROOT, "  deferred deletes sent after the last cycle: %d, within %.1f s;"
                        + " all lock requests per cycle: %.3f%n", deferred, (System.nanoTime() - drainStart) / 1e9,
                        (lockRequests + deferred) / (double) iterations);
                System.out.printf(Locale.ROOT, "  by type per cycle, deferred deletes included: %s; $%.8f per cycle,"
                        + " $%.2f per million cycles%n", S3Prices.describe(byType, 1.0 / iterations),
                        S3Prices.dollars(byType, 1.0 / iterations), S3Prices.dollars(byType, 1e6 / iterations));
                report(cycle, floor, raw);
            }
            System.out.printf(Locale.ROOT, "S3 waiting, poll %s..%s, lease %s%n", options.pollMin(), options.pollMax(),
                    options.lease());
            S3WaitingCost waiting = new S3WaitingCost(server, options, Duration.ofSeconds(10), window);
            for (int waiters : new int[] {1, 10, 50}) {
                waiting.measure(waiters);
            }
        }
    }

    /**
     * Waits until the lock's folder holds only the newest generation and its marker, listing
     * with another client so that the counter sees only the registry's own requests.
     *
     * @return the requests the registry sent meanwhile, by type
     */
    private static Map<String, Integer> awaitDeferredDeletes(S3ProxyServer server, String folder,
            RequestCounter counter, Duration atMost) throws InterruptedException {
        counter.reset();
        long until = System.nanoTime() + atMost.toNanos();
        try (S3Client lister = server.client()) {
            while (lister.listObjectsV2(request -> request.bucket(S3ProxyServer.BUCKET).prefix(folder))
                    .keyCount() > 2) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("superseded generations were not deleted within " + atMost);
                }
                Thread.sleep(200);
            }
        }
        return counter.resetByOperation();
    }

    private static void listOnce(S3Client client) {
        client.listObjectsV2(request -> request.bucket(S3ProxyServer.BUCKET).prefix("floor/"));
    }

    private static void rawSequence(S3Client client, String folder, int i) {
        String key = folder + String.format("%019d", i);
        client.putObject(request -> request.bucket(S3ProxyServer.BUCKET).key(key).ifNoneMatch("*"),
                RequestBody.fromString("{\"locked\":true}"));
        client.putObject(request -> request.bucket(S3ProxyServer.BUCKET).key(key + ".released").ifNoneMatch("*"),
                RequestBody.fromString("{\"locked\":false}"));
    }

    private static void report(long[] cycle, long[] floor, long[] raw) {
        Arrays.sort(cycle);
        Arrays.sort(floor);
        Arrays.sort(raw);
        System.out.printf(Locale.ROOT, "  acquire+release latency  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  mean %.2f ms%n",
                ms(cycle, 0.5), ms(cycle, 0.9), ms(cycle, 0.99), mean(cycle));
        System.out.printf(Locale.ROOT, "  floor (one LIST round trip) p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  mean %.2f ms%n",
                ms(floor, 0.5), ms(floor, 0.9), ms(floor, 0.99), mean(floor));
        System.out.printf(Locale.ROOT, "  floor (same 2 requests raw)  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  mean %.2f ms%n",
                ms(raw, 0.5), ms(raw, 0.9), ms(raw, 0.99), mean(raw));
        System.out.printf(Locale.ROOT, "  ratio p50 acquire+release / p50 LIST: %.1f, / p50 raw 2 requests: %.2f%n",
                ms(cycle, 0.5) / ms(floor, 0.5), ms(cycle, 0.5) / ms(raw, 0.5));
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) (quantile * sorted.length))] / 1e6;
    }

    private static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(0) / 1e6;
    }
}
