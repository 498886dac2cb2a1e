package dev.slocket.benchmarks;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.socket.SocketLockBackend;
import dev.slocket.socket.SocketLockOptions;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The socket backend beside its floors, in one run (DESIGN §7): {@code bind}+{@code close}+{@code unlink},
 * a Unix-socket round trip between two processes, the backend's uncontended acquire+release, and
 * the handoff gap between two processes that take the lock in turn (holding it 50 µs, and not at
 * all), over the second half of the run and only while both processes still have rounds to do;
 * and, one by one, the system calls an uncontended acquire+release makes beyond the bind floor.
 * Prints a Markdown report. The lock directories live under {@code java.io.tmpdir}.
 *
 * <pre>
 * ./mvnw -q -B -pl slocket-core,slocket-benchmarks package -DskipTests dependency:build-classpath \
 *     -Dmdep.outputFile=target/classpath.txt \
 *   &amp;&amp; java -cp slocket-benchmarks/target/classes:$(cat slocket-benchmarks/target/classpath.txt) \
 *     dev.slocket.benchmarks.SocketBenchmark
 * </pre>
 */
public final class SocketBenchmark {

    private static final int WARM_UP = 20_000;

    private static final int SAMPLES = 20_000;

    private static final int HANDOFF_ROUNDS = 20_000;

    /** The backend's default socket mode. */
    private static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-------");

    private SocketBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("slb");
        Stats[] uncontended = uncontendedBesideBindFloor(work);
        Stats roundTripBefore = roundTripFloor(work, "before", 0);
        Stats roundTripPaused = roundTripFloor(work, "paused", TimeUnit.MICROSECONDS.toNanos(50));
        Handoffs held = handoffs(work, "h50", TimeUnit.MICROSECONDS.toNanos(50));
        Handoffs busy = handoffs(work, "h0", 0);
        Stats roundTripAfter = roundTripFloor(work, "after", 0);
        Map<String, Stats> steps = stepsBeyondTheFloor(work);
        System.out.println("| measurement | p50 / p90 / p99 (µs) | samples |");
        System.out.println("|---|---|---|");
        row("floor: `bind`+`close`+`unlink`", uncontended[0]);
        row("uncontended acquire+release, backend SPI", uncontended[1]);
        row("uncontended acquire+release, `LockRegistry`", uncontended[2]);
        row("the backend's uncontended system calls alone, from a plain loop", uncontended[3]);
        row("floor: Unix-socket round trip between two processes (before the handoffs)", roundTripBefore);
        row("2-process handoff gap, each hold ≈50 µs (release → next acquire returns)", held.gaps());
        row("2-process handoff gap, zero hold time", busy.gaps());
        row("floor: Unix-socket round trip between two processes (after the handoffs)", roundTripAfter);
        row("floor: the same round trip, each after a 50 µs pause (as idle as a handoff after a hold)",
                roundTripPaused);
        long roundTrip = Math.max(roundTripBefore.p50(), roundTripAfter.p50());
        System.out.printf("%nhandoffs to the other process, hold ≈50 µs: %.1f%% of %d (target >= 95%%)%n",
                100.0 * held.toOther() / held.total(), held.total());
        System.out.printf("handoffs to the other process, zero hold: %.1f%% of %d%n", 100.0 * busy.toOther() / busy.total(),
                busy.total());
        System.out.printf("handoff p50 (hold ≈50 µs) / larger back-to-back round-trip p50: %.2f (target <= 1)%n",
                (double) held.gaps().p50() / roundTrip);
        System.out.printf("handoff p50 (hold ≈50 µs) / paused round-trip p50: %.2f%n",
                (double) held.gaps().p50() / roundTripPaused.p50());
        System.out.printf("uncontended p50 / bind floor p50: backend %.2f, registry %.2f (target <= 1.5)%n",
                (double) uncontended[1].p50() / uncontended[0].p50(), (double) uncontended[2].p50() / uncontended[0].p50());
        System.out.printf("the same system calls alone / bind floor p50: %.2f (the least any backend that keeps the rules"
                + " can reach here)%n", (double) uncontended[3].p50() / uncontended[0].p50());
        System.out.printf("%n| system call(s) an uncontended acquire+release adds to the floor | p50 (µs) |%n|---|---|%n");
        long sum = 0;
        for (Map.Entry<String, Stats> step : steps.entrySet()) {
            System.out.printf("| %s | %.2f |%n", step.getKey(), step.getValue().p50() / 1e3);
            sum += step.getValue().p50();
        }
        System.out.printf("%nsum of those steps: %.1f µs; backend p50 - floor p50: %.1f µs%n", sum / 1e3,
                (uncontended[1].p50() - uncontended[0].p50()) / 1e3);
    }

    private static void row(String what, Stats stats) {
        System.out.println("| " + what + " | " + stats.micros() + " | " + stats.count() + " |");
    }

    /**
     * The floor, the two uncontended forms and their system calls alone, interleaved sample by
     * sample so that the load of a shared machine affects all four alike, and in one directory:
     * the cost of {@code bind} follows the state of the file system's inode allocator where the
     * socket is created (on ext4 it varied 21-60 µs between directories of the same run).
     *
     * @return bind floor, backend, registry, system calls alone
     */
    private static Stats[] uncontendedBesideBindFloor(Path work) throws Exception {
        Path directory = work.resolve("uncontended");
        Path floorSocket = directory.resolve("floor.sock");
        SocketLockBackend backend = new SocketLockBackend(SocketLockOptions.defaults(directory));
        long[][] samples = new long[4][SAMPLES];
        try (LockRegistry registry = Slocket.socket(directory);
                RuleSyscalls syscalls = new RuleSyscalls(directory)) {
            for (int i = 0; i < WARM_UP + SAMPLES; i++) {
                long start = System.nanoTime();
                try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                    server.bind(UnixDomainSocketAddress.of(floorSocket), 511);
                }
                Files.delete(floorSocket);
                long floorDone = System.nanoTime();
                BackendLock lock = backend.acquire("uncontended", Deadline.never(), reason -> { });
                lock.release();
                long backendDone = System.nanoTime();
                registry.acquire("uncontended-registry").release();
                long registryDone = System.nanoTime();
                syscalls.cycle();
                long syscallsDone = System.nanoTime();
                if (i >= WARM_UP) {
                    samples[0][i - WARM_UP] = floorDone - start;
                    samples[1][i - WARM_UP] = backendDone - floorDone;
                    samples[2][i - WARM_UP] = registryDone - backendDone;
                    samples[3][i - WARM_UP] = syscallsDone - registryDone;
                }
            }
        }
        backend.close();
        return new Stats[] { Stats.of(samples[0]), Stats.of(samples[1]), Stats.of(samples[2]), Stats.of(samples[3]) };
    }

    /**
     * The system calls of the backend's uncontended acquire+release, in its order, from a plain
     * loop with no backend code: what any implementation that keeps the rules pays at
     * least (the rule behind each call is in {@link #stepsBeyondTheFloor}).
     */
    private static final class RuleSyscalls implements AutoCloseable {

        private final Path socket;

        private final Path token;

        private final FileChannel sidecar;

        RuleSyscalls(Path directory) throws IOException {
            this.socket = directory.resolve("syscalls.sock");
            this.token = Files.createFile(directory.resolve("syscalls.token"));
            this.sidecar = FileChannel.open(directory.resolve("syscalls.sock.owner"), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
        }

        void cycle() throws IOException {
            FileLock arbiterRight = sidecar.tryLock(0, 1, false);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket), 511);
            server.configureBlocking(false);
            Object bound = identity();
            Files.setPosixFilePermissions(socket, SOCKET_MODE);
            Files.readAttributes(token, BasicFileAttributes.class);
            if (server.accept() != null) {
                throw new IllegalStateException("nobody else uses " + socket);
            }
            server.close();
            // one unlink, as the backend does: Files.delete would lstat once more
            if (bound.equals(identity()) && !socket.toFile().delete()) {
                throw new IOException("cannot delete " + socket);
            }
            arbiterRight.release();
        }

        private Object identity() throws IOException {
            return Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        }

        @Override
        public void close() throws IOException {
            sidecar.close();
        }
    }

    /**
     * What the backend does per uncontended cycle beyond {@code socket}+{@code bind}+{@code listen}+
     * {@code close}+{@code lstat}+{@code unlink}, each step timed alone on a socket like the lock's.
     */
    private static Map<String, Stats> stepsBeyondTheFloor(Path work) throws Exception {
        Path socket = work.resolve("steps.sock");
        Map<String, Stats> steps = new LinkedHashMap<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                FileChannel sidecar = FileChannel.open(work.resolve("steps.owner"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            server.bind(UnixDomainSocketAddress.of(socket), 511);
            steps.put("sidecar arbiter right: byte-range lock + unlock (`fcntl` x2)",
                    timed(() -> sidecar.tryLock(0, 1, false).release()));
            // half of a round trip between the two modes: F_GETFL + F_SETFL
            steps.put("non-blocking mode for the backlog check (`fcntl` x2)", timed(() -> {
                server.configureBlocking(false);
                server.configureBlocking(true);
            }).half());
            steps.put("identity of the bound socket (`lstat`)",
                    timed(() -> Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)));
            steps.put("socket mode 0600 (`chmod`)", timed(() -> Files.setPosixFilePermissions(socket, SOCKET_MODE)));
            Path token = Files.createFile(work.resolve("steps.token"));
            steps.put("fencing counter file still the mapped one (`stat`)",
                    timed(() -> Files.readAttributes(token, BasicFileAttributes.class)));
            server.configureBlocking(false);
            steps.put("backlog check: `accept` that finds no waiter", timed(server::accept));
        }
        Files.delete(socket);
        return steps;
    }

    /** One step of {@link #stepsBeyondTheFloor}. */
    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    private static Stats timed(Step step) throws IOException {
        long[] samples = new long[SAMPLES];
        for (int i = 0; i < WARM_UP + SAMPLES; i++) {
            long start = System.nanoTime();
            step.run();
            if (i >= WARM_UP) {
                samples[i - WARM_UP] = System.nanoTime() - start;
            }
        }
        return Stats.of(samples);
    }

    private static Stats roundTripFloor(Path work, String label, long pauseNanos) throws Exception {
        Path socket = work.resolve(label + ".sock");
        Child echo = Child.start(work, "echo", socket.toString());
        echo.awaitLine("READY");
        long[] samples = new long[SAMPLES];
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer buffer = ByteBuffer.allocate(1);
            for (int i = 0; i < WARM_UP + SAMPLES; i++) {
                if (pauseNanos > 0) {
                    LockSupport.parkNanos(pauseNanos);
                }
                long start = System.nanoTime();
                channel.write(buffer.clear().put((byte) 1).flip());
                channel.read(buffer.clear());
                if (i >= WARM_UP) {
                    samples[i - WARM_UP] = System.nanoTime() - start;
                }
            }
        }
        echo.awaitExit();
        return Stats.of(samples);
    }

    /** Handoff gaps between consecutive holders, and how many went to the other process. */
    private record Handoffs(Stats gaps, int toOther, int total) {
    }

    private static Handoffs handoffs(Path work, String label, long holdNanos) throws Exception {
        Path lockDir = Files.createDirectories(work.resolve(label));
        Path go = work.resolve(label + ".go");
        List<Child> children = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            children.add(Child.start(work, "handoff", lockDir.toString(), "handoff", Integer.toString(HANDOFF_ROUNDS),
                    Long.toString(holdNanos), go.toString(), work.resolve(label + "-" + i + ".txt").toString()));
        }
        for (Child child : children) {
            child.awaitLine("READY");
        }
        Files.createFile(go);
        // token -> {acquiredNanos, releaseNanos, process}
        TreeMap<Long, long[]> byToken = new TreeMap<>();
        for (int i = 0; i < children.size(); i++) {
            children.get(i).awaitLine("DONE");
            for (String line : Files.readAllLines(work.resolve(label + "-" + i + ".txt"))) {
                String[] parts = line.split(" ");
                byToken.put(Long.parseLong(parts[0]),
                        new long[] { Long.parseLong(parts[1]), Long.parseLong(parts[2]), i });
            }
        }
        List<long[]> holds = new ArrayList<>(byToken.values());
        // once one process has done all its rounds the other runs alone: those are not handoffs
        long[] lastRelease = new long[children.size()];
        for (long[] hold : holds) {
            lastRelease[(int) hold[2]] = Math.max(lastRelease[(int) hold[2]], hold[1]);
        }
        long bothContend = Arrays.stream(lastRelease).min().orElseThrow();
        int skip = holds.size() / 2;
        List<Long> gapList = new ArrayList<>();
        int toOther = 0;
        for (int k = skip; k < holds.size() - 1 && holds.get(k + 1)[0] < bothContend; k++) {
            long[] previous = holds.get(k);
            long[] next = holds.get(k + 1);
            gapList.add(next[0] - previous[1]);
            if (next[2] != previous[2]) {
                toOther++;
            }
        }
        long[] gaps = gapList.stream().mapToLong(Long::longValue).toArray();
        return new Handoffs(Stats.of(gaps), toOther, gaps.length);
    }

    /** A {@link BenchmarkChild} JVM with its output in a file. */
    private record Child(Process process, Path log) {

        static Child start(Path work, String... args) throws IOException {
            Path log = Files.createTempFile(work, "child-", ".log");
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), BenchmarkChild.class.getName()));
            command.addAll(List.of(args));
            return new Child(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(),
                    log);
        }

        void awaitLine(String text) throws Exception {
            long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!Files.readString(log).contains(text)) {
                if (!process.isAlive() || System.nanoTime() > giveUp) {
                    throw new IllegalStateException("child did not print " + text + ":\n" + Files.readString(log));
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }

        void awaitExit() throws InterruptedException {
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
