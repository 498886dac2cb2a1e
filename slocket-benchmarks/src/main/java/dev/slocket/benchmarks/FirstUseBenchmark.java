package dev.slocket.benchmarks;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The first use of a lock name against a name used before (docs/benchmarks.md, "First use of a
 * name"), for the socket and the file backend: uncontended acquire + release through a
 * {@link LockRegistry}, sample by sample alternately with a never-used name and one reused name,
 * so load on the shared machine hits both alike. Afterwards it counts the directory's entries,
 * which the distinct names leave behind.
 *
 * Run: see docs/benchmarks.md. Argument: the parent directory to use (default: a new temporary one).
 */
public final class FirstUseBenchmark {

    private static final int WARM_UP = 2_000;

    private static final int SAMPLES = 5_000;

    private FirstUseBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path parent = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("slocket-fu");
        System.out.printf("parent %s (%s)%n", parent, Files.getFileStore(parent).type());
        measure("socket", parent.resolve("socket"), Slocket::socket);
        measure("file", parent.resolve("file"), Slocket::file);
    }

    private static void measure(String backend, Path directory, Function<Path, LockRegistry> registries)
            throws Exception {
        long[] first = new long[SAMPLES];
        long[] reused = new long[SAMPLES];
        try (LockRegistry registry = registries.apply(directory)) {
            for (int i = 0; i < WARM_UP; i++) {
                acquireRelease(registry, "warm-" + i);
                acquireRelease(registry, "reused");
            }
            for (int i = 0; i < SAMPLES; i++) {
                first[i] = acquireRelease(registry, "name-" + i);
                reused[i] = acquireRelease(registry, "reused");
            }
        }
        Stats firstUse = Stats.of(first);
        Stats reuse = Stats.of(reused);
        long entries;
        try (Stream<Path> list = Files.list(directory)) {
            entries = list.count();
        }
        System.out.printf("%-6s first use p50/p90/p99 µs %s | reused %s | first/reused p50 %.2f | %d entries after %d"
                + " distinct names%n", backend, firstUse.micros(), reuse.micros(),
                (double) firstUse.p50() / reuse.p50(), entries, WARM_UP + SAMPLES + 1);
    }

    private static long acquireRelease(LockRegistry registry, String name) {
        long start = System.nanoTime();
        HeldLock lock = registry.acquire(name, Duration.ZERO);
        lock.release();
        return System.nanoTime() - start;
    }
}
