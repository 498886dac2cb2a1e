package dev.slocket.benchmarks;

import dev.slocket.HeldLock;
import dev.slocket.LockInterruptedException;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.s3.RequestCounter;
import dev.slocket.s3.S3LockOptions;
import dev.slocket.s3.S3ProxyServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * What waiting costs: one registry holds a lock for the whole run while {@code waiters} other
 * registries (one each, as separate processes would have; one shared client that counts their
 * requests) wait for it. After a warm-up, in which the waiters' backoff reaches its maximum, the
 * requests of a fixed window are counted by type, for the waiters and for the holder apart.
 */
final class S3WaitingCost {

    private final S3ProxyServer server;

    private final S3LockOptions options;

    private final Duration warmUp;

    private final Duration window;

    S3WaitingCost(S3ProxyServer server, S3LockOptions options, Duration warmUp, Duration window) {
        this.server = server;
        this.options = options;
        this.warmUp = warmUp;
        this.window = window;
    }

    void measure(int waiters) throws InterruptedException {
        RequestCounter holderCounter = new RequestCounter();
        RequestCounter waiterCounter = new RequestCounter();
        String name = "waiting-" + waiters;
        AtomicInteger acquired = new AtomicInteger();
        List<LockRegistry> registries = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try (S3Client holderClient = server.client(holderCounter); S3Client waiterClient = server.client(waiterCounter);
                LockRegistry holder = Slocket.s3(holderClient, options); HeldLock held = holder.acquire(name)) {
            try {
                for (int i = 0; i < waiters; i++) {
                    LockRegistry registry = Slocket.s3(waiterClient, options);
                    registries.add(registry);
                    Thread thread = new Thread(() -> waitFor(registry, name, acquired), "waiter-" + i);
                    thread.start();
                    threads.add(thread);
                }
                Thread.sleep(warmUp.toMillis());
                waiterCounter.reset();
                holderCounter.reset();
                long start = System.nanoTime();
                Thread.sleep(window.toMillis());
                Map<String, Integer> waiting = waiterCounter.resetByOperation();
                Map<String, Integer> holding = holderCounter.resetByOperation();
                double minutes = (System.nanoTime() - start) / 60e9;
                report(waiters, minutes, waiting, holding, acquired.get());
            }
            finally {
                threads.forEach(Thread::interrupt);
                for (Thread thread : threads) {
                    thread.join();
                }
                registries.forEach(LockRegistry::close);
            }
        }
    }

    private static void waitFor(LockRegistry registry, String name, AtomicInteger acquired) {
        try (HeldLock lock = registry.acquire(name, Duration.ofHours(1))) {
            acquired.incrementAndGet();
        }
        catch (LockInterruptedException ex) {
            // interrupted at the end of the window: the expected way out; anything else is reported by the thread
        }
    }

    private static void report(int waiters, double minutes, Map<String, Integer> waiting, Map<String, Integer> holding,
            int acquired) {
        double perWaiterMinute = 1 / (waiters * minutes);
        double perMinute = 1 / minutes;
        int total = S3Prices.total(waiting);
        System.out.printf(Locale.ROOT, "  %d waiter(s), %.2f min counted%s%n", waiters, minutes,
                acquired > 0 ? "; " + acquired + " ACQUIRED THE HELD LOCK" : "");
        System.out.printf(Locale.ROOT, "    per waiter-minute: %.3f requests (%s), $%.7f; per waiter-hour $%.5f%n",
                total * perWaiterMinute, S3Prices.describe(waiting, perWaiterMinute),
                S3Prices.dollars(waiting, perWaiterMinute), S3Prices.dollars(waiting, perWaiterMinute * 60));
        System.out.printf(Locale.ROOT, "    all %d waiters for an hour: $%.4f; the holder per minute: %s, $%.7f%n",
                waiters, S3Prices.dollars(waiting, perMinute * 60), S3Prices.describe(holding, perMinute),
                S3Prices.dollars(holding, perMinute));
    }
}
