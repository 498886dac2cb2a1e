package dev.slocket.benchmarks;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.s3.S3LockOptions;
import dev.slocket.s3.S3ProxyServer;
import dev.slocket.testing.SharedBackend;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import software.amazon.awssdk.services.s3.S3Client;

import static org.awaitility.Awaitility.await;

/**
 * What waiting costs (docs/benchmarks.md, "Waiting"): the threads and heap that 10,000
 * asynchronous acquisitions add while they wait, on one held name and on 1,000 held names, per
 * backend (s3 on a local S3Proxy); and the heap after 1,000,000 distinct names were each used once.
 *
 * <p>Run: see docs/benchmarks.md. Heap figures are used heap after a full GC ({@code System.gc()}
 * three times), so run with a fixed heap, e.g. {@code -Xms512m -Xmx512m}.
 */
public final class WaitingBenchmark {

    private static final int WAITERS = 10_000;

    private static final Duration LONG = Duration.ofMinutes(5);

    private WaitingBenchmark() {
    }

    /**
     * @param args none: every measurement, each backend in this JVM one after the other; or
     *        {@code <backend> <names>} (memory, file, socket or s3; 1 or 1000) for one measurement in a
     *        fresh JVM, or {@code names} for the distinct-names measurement alone
     */
    public static void main(String[] args) throws Exception {
        Path directory = Files.createTempDirectory("sw");
        System.out.printf("%-8s %-6s %8s %14s %18s %16s%n", "backend", "names", "threads", "heap (MiB)",
                "bytes per waiter", "slocket threads");
        if (args.length == 1) {
            distinctNames();
            return;
        }
        List<String> backends = (args.length == 2) ? List.of(args[0]) : List.of("memory", "file", "socket", "s3");
        int[] nameCounts = (args.length == 2) ? new int[] {Integer.parseInt(args[1])} : new int[] {1, 1_000};
        for (int names : nameCounts) {
            for (String backend : backends) {
                measure(backend, names, registries(backend, Files.createDirectories(directory.resolve(
                        backend.charAt(0) + Integer.toString(names)))));
            }
        }
        if (args.length == 0) {
            distinctNames();
        }
    }

    private static Supplier<LockRegistry> registries(String backend, Path directory) throws IOException {
        MemoryLockBackend shared = new MemoryLockBackend();
        return switch (backend) {
            case "memory" -> () -> new LocalLockRegistry(new SharedBackend(shared), null);
            case "file" -> () -> Slocket.file(directory);
            case "socket" -> () -> Slocket.socket(directory);
            case "s3" -> s3Registries(directory.getFileName().toString());
            default -> throw new IllegalArgumentException("Unknown backend " + backend);
        };
    }

    /**
     * Registries on the local S3Proxy that {@link S3ProxyServer#shared()} starts, sharing one
     * client (not closed: the JVM ends with the measurement). The lease is long enough that no
     * renewal falls into the measurement.
     */
    private static Supplier<LockRegistry> s3Registries(String folder) throws IOException {
        S3Client client = S3ProxyServer.shared().client();
        S3LockOptions options = S3LockOptions.builder(S3ProxyServer.BUCKET)
                .keyPrefix("waiting-" + folder + "-" + UUID.randomUUID() + "/").lease(Duration.ofMinutes(10)).build();
        return () -> Slocket.s3(client, options);
    }

    private static void measure(String backend, int names, Supplier<LockRegistry> registries) throws Exception {
        try (LockRegistry holder = registries.get(); LockRegistry waiter = registries.get()) {
            List<HeldLock> held = new ArrayList<>();
            for (int n = 0; n < names; n++) {
                held.add(holder.acquire("wait-" + n, LONG));
            }
            waiter.acquireAsync("warm-up", LONG).get(1, TimeUnit.MINUTES).release();
            int threadsBefore = threads();
            long heapBefore = usedHeap();
            List<CompletableFuture<HeldLock>> waiting = new ArrayList<>();
            for (int i = 0; i < WAITERS; i++) {
                waiting.add(waiter.acquireAsync("wait-" + (i % names), LONG));
            }
            await().atMost(Duration.ofMinutes(1)).until(() -> waiter.locks().size() == names);
            int threads = threads() - threadsBefore;
            long heap = usedHeap() - heapBefore;
            System.out.printf("%-8s %-6d %8d %14.1f %18d %16d%n", backend, names, threads, heap / 1048576.0,
                    heap / WAITERS, slocketThreads());
            waiting.forEach(future -> future.cancel(true));
            held.forEach(HeldLock::release);
        }
    }

    private static void distinctNames() {
        try (LocalLockRegistry registry = new LocalLockRegistry(new MemoryLockBackend(), null)) {
            registry.acquire("warm-up", LONG).release();
            long before = usedHeap();
            for (int round = 1; round <= 4; round++) {
                for (int i = 0; i < 250_000; i++) {
                    registry.acquire("distinct-" + round + "-" + i, LONG).release();
                }
                System.out.printf("after %,d distinct names: heap %+.1f MiB, tracked names %d%n", round * 250_000,
                        (usedHeap() - before) / 1048576.0, registry.trackedNames());
            }
        }
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** @return live threads of the library, all registries and backends together */
    private static long slocketThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().startsWith("slocket-"))
                .count();
    }

    private static long usedHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
