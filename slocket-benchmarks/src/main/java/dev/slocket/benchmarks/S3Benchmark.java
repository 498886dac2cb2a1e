package dev.slocket.benchmarks;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.s3.RequestCounter;
import dev.slocket.s3.S3LockOptions;
import dev.slocket.s3.S3ProxyServer;

import java.util.Arrays;
import java.util.Locale;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * S3 requests and latency of one uncontended acquire+release on a local S3Proxy that this
 * benchmark starts itself, beside two floors measured in the same run with the same client: one
 * {@code ListObjectsV2} round trip, and the same four requests an acquire+release sends (list,
 * conditional create, delete of the two previous objects, conditional create of a marker) sent
 * raw, without any lock logic.
 *
 * <p>Arguments: {@code [iterations] [warm-up iterations]}, default 1000 and 300.
 */
public final class S3Benchmark {

    private S3Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        try (S3ProxyServer server = S3ProxyServer.create()) {
            server.start();
            server.createBucket(S3ProxyServer.BUCKET);
            RequestCounter counter = new RequestCounter();
            try (S3Client client = server.client(counter);
                    LockRegistry locks = Slocket.s3(client, S3LockOptions.defaults(S3ProxyServer.BUCKET))) {
                for (int i = 0; i < warmup; i++) {
                    locks.acquire("bench").release();
                    listOnce(client);
                    rawSequence(client, i);
                }
                // interleaved, so that the machine's noise hits all three series alike
                long[] cycle = new long[iterations];
                long[] floor = new long[iterations];
                long[] raw = new long[iterations];
                int cycleRequests = 0;
                int maxRequests = 0;
                for (int i = 0; i < iterations; i++) {
                    long start = System.nanoTime();
                    listOnce(client);
                    floor[i] = System.nanoTime() - start;
                    start = System.nanoTime();
                    rawSequence(client, warmup + i);
                    raw[i] = System.nanoTime() - start;
                    counter.reset();
                    start = System.nanoTime();
                    locks.acquire("bench").release();
                    cycle[i] = System.nanoTime() - start;
                    int sent = counter.reset();
                    cycleRequests += sent;
                    maxRequests = Math.max(maxRequests, sent);
                }
                System.out.printf(Locale.ROOT, "S3 uncontended acquire+release, %d iterations%n", iterations);
                System.out.printf(Locale.ROOT, "  S3 requests per acquire+release: mean %.2f, max %d%n",
                        cycleRequests / (double) iterations, maxRequests);
                report(cycle, floor, raw);
            }
        }
    }

    private static void listOnce(S3Client client) {
        client.listObjectsV2(request -> request.bucket(S3ProxyServer.BUCKET).prefix("floor/"));
    }

    private static void rawSequence(S3Client client, int i) {
        String key = "raw/" + String.format("%019d", i);
        String previous = "raw/" + String.format("%019d", i - 1);
        client.listObjectsV2(request -> request.bucket(S3ProxyServer.BUCKET).prefix("raw/"));
        client.putObject(request -> request.bucket(S3ProxyServer.BUCKET).key(key).ifNoneMatch("*"),
                RequestBody.fromString("{\"locked\":true}"));
        client.deleteObjects(request -> request.bucket(S3ProxyServer.BUCKET).delete(delete -> delete.quiet(true)
                .objects(ObjectIdentifier.builder().key(previous).build(),
                        ObjectIdentifier.builder().key(previous + ".released").build())));
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
        System.out.printf(Locale.ROOT, "  floor (same 4 requests raw)  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  mean %.2f ms%n",
                ms(raw, 0.5), ms(raw, 0.9), ms(raw, 0.99), mean(raw));
        System.out.printf(Locale.ROOT, "  ratio p50 acquire+release / p50 LIST: %.1f, / p50 raw 4 requests: %.2f%n",
                ms(cycle, 0.5) / ms(floor, 0.5), ms(cycle, 0.5) / ms(raw, 0.5));
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) (quantile * sorted.length))] / 1e6;
    }

    private static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(0) / 1e6;
    }
}
