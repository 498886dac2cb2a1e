package dev.slocket.benchmarks;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.spi.FencingCounterFile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;

/**
 * The file backend beside its floors, measured in one run (docs/benchmarks.md, "File backend").
 *
 * <ul>
 * <li>Uncontended acquire + release through a registry, against {@code mkdir} + stat +
 * {@code rmdir} in the same directory, interleaved in short rounds; the ratio is the median of
 * the per-round ratios, so that load changes on a shared machine hit both sides alike. A third
 * series, the "protocol floor", adds what the protocol itself needs on top (the fencing counter
 * file's open/read/write/close and the stat before {@code rmdir} that checks the lock is still
 * ours), to show where the difference goes.</li>
 * <li>Contended handoff between two processes: this process holds, a child JVM waits in
 * {@code acquire}; the time from the start of our release to the end of the child's acquire
 * ({@link System#nanoTime()} is the system-wide monotonic clock on Linux). The floor is the
 * same handoff with {@link FileChannel#lock()}.</li>
 * </ul>
 *
 * Run: see docs/benchmarks.md. Argument: the directory to use (default: a new temporary one).
 */
public final class FileBackendBenchmark {

    private static final int ROUNDS = 21;

    private static final int OPS_PER_ROUND = 2_000;

    private static final int HANDOFFS = 300;

    private FileBackendBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--waiter")) {
            waiter(args[1], Path.of(args[2]));
            return;
        }
        Path directory = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("slocket-file-bench");
        System.out.printf("directory %s (%s)%n", directory, Files.getFileStore(directory).type());
        uncontended(directory);
        handoff(directory, "file");
        handoff(directory, "channel");
    }

    private static void uncontended(Path directory) throws IOException {
        Path floorDir = directory.resolve("floor.lock");
        double[] floor = new double[ROUNDS];
        double[] backend = new double[ROUNDS];
        double[] ratio = new double[ROUNDS];
        double[] protocol = new double[ROUNDS];
        try (LockRegistry registry = Slocket.file(directory)) {
            for (int warm = 0; warm < 2; warm++) {
                mkdirStatRmdir(floorDir);
                protocolFloor(floorDir);
                acquireRelease(registry);
            }
            for (int round = 0; round < ROUNDS; round++) {
                floor[round] = mkdirStatRmdir(floorDir);
                backend[round] = acquireRelease(registry);
                ratio[round] = backend[round] / floor[round];
                protocol[round] = protocolFloor(floorDir) / floor[round];
            }
        }
        System.out.printf("uncontended: mkdir+stat+rmdir %.1f us/op, acquire+release %.1f us/op (medians of %d rounds"
                + " of %d), ratio %.2f (median per-round ratio)%n", median(floor) / 1000, median(backend) / 1000, ROUNDS,
                OPS_PER_ROUND, median(ratio));
        System.out.printf("protocol floor (mkdir+stat+counter file+stat+rmdir): ratio %.2f to mkdir+stat+rmdir%n",
                median(protocol));
    }

    private static double mkdirStatRmdir(Path dir) throws IOException {
        long start = System.nanoTime();
        for (int i = 0; i < OPS_PER_ROUND; i++) {
            Files.createDirectory(dir);
            Files.readAttributes(dir, BasicFileAttributes.class);
            Files.delete(dir);
        }
        return (System.nanoTime() - start) / (double) OPS_PER_ROUND;
    }

    private static double protocolFloor(Path dir) throws IOException {
        Path counter = dir.resolveSibling("floor.lock.fence");
        long start = System.nanoTime();
        for (int i = 0; i < OPS_PER_ROUND; i++) {
            Files.createDirectory(dir);
            Files.readAttributes(dir, BasicFileAttributes.class);
            FencingCounterFile.next(counter);
            Files.readAttributes(dir, BasicFileAttributes.class);
            Files.delete(dir);
        }
        return (System.nanoTime() - start) / (double) OPS_PER_ROUND;
    }

    private static double acquireRelease(LockRegistry registry) {
        long start = System.nanoTime();
        for (int i = 0; i < OPS_PER_ROUND; i++) {
            try (HeldLock lock = registry.acquire("bench", Duration.ZERO)) {
                // nothing: the cost of taking and giving up the lock
            }
        }
        return (System.nanoTime() - start) / (double) OPS_PER_ROUND;
    }

    /**
     * Per round: we hold; the child says it is about to wait; after 2 ms (it is then blocked) we
     * note the time and release; the child acquires and answers with the time it got the lock.
     */
    private static void handoff(Path directory, String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FileBackendBenchmark.class.getName(), "--waiter", mode, directory.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long[] nanos = new long[HANDOFFS];
        try (LockRegistry registry = Slocket.file(directory);
                FileChannel channel = FileChannel.open(directory.resolve("floor.channel"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                BufferedReader fromChild = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.US_ASCII));
                PrintStream toChild = new PrintStream(child.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < HANDOFFS + 20; i++) {
                HeldLock held = mode.equals("file") ? registry.acquire("handoff", Duration.ofSeconds(30)) : null;
                FileLock osLock = mode.equals("file") ? null : channel.lock();
                toChild.println("go");
                expect(fromChild.readLine(), "waiting");
                Thread.sleep(2);
                long releasedAt = System.nanoTime();
                if (held != null) {
                    held.release();
                }
                else {
                    osLock.release();
                }
                long acquiredAt = Long.parseLong(fromChild.readLine());
                if (i >= 20) {
                    nanos[i - 20] = acquiredAt - releasedAt;
                }
            }
            toChild.println("quit");
        }
        child.waitFor();
        Arrays.sort(nanos);
        System.out.printf("handoff (%s): p50 %.1f us, p90 %.1f us, p99 %.1f us over %d handoffs%n",
                mode.equals("file") ? "file backend, 2 processes" : "FileChannel.lock floor, 2 processes",
                nanos[HANDOFFS / 2] / 1000.0, nanos[HANDOFFS * 9 / 10] / 1000.0, nanos[HANDOFFS * 99 / 100] / 1000.0,
                HANDOFFS);
    }

    private static void waiter(String mode, Path directory) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        try (LockRegistry registry = Slocket.file(directory);
                FileChannel channel = FileChannel.open(directory.resolve("floor.channel"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
            while ("go".equals(in.readLine())) {
                System.out.println("waiting");
                System.out.flush();
                if (mode.equals("file")) {
                    HeldLock lock = registry.acquire("handoff", Duration.ofSeconds(30));
                    System.out.println(System.nanoTime());
                    System.out.flush();
                    lock.release();
                }
                else {
                    FileLock lock = channel.lock();
                    System.out.println(System.nanoTime());
                    System.out.flush();
                    lock.release();
                }
            }
        }
    }

    private static void expect(String line, String wanted) {
        if (!wanted.equals(line)) {
            throw new IllegalStateException("expected '" + wanted + "' from the waiter, got '" + line + "'");
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
