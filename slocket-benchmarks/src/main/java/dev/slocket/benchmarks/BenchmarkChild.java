package dev.slocket.benchmarks;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.socket.SocketLockOptions;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The second process of {@link SocketBenchmark}. Roles:
 * <ul>
 * <li>{@code echo <socket>}: answers every byte on one connection with one byte.</li>
 * <li>{@code ping <socket> <warmUp> <count> <pauseNanos> <out>}: connects to an {@code echo} child,
 * times {@code count} round trips of one byte after {@code warmUp} untimed ones, each after parking
 * {@code pauseNanos} if that is not 0, and writes one duration per line to {@code out}.</li>
 * <li>{@code relay <socket> <holdNanos> <criticalFile|-> <out>}: like {@code echo}, but before each
 * answer spins {@code holdNanos} or reads and rewrites {@code criticalFile}, and writes
 * "arrivedNanos answeredNanos" lines to {@code out}: the hand-over floors of
 * {@link SocketBenchmark}.</li>
 * <li>{@code loop <socket|socket-spinning:<µs>|file|channel> <lockDir> <seconds> <holdNanos> <criticalFile|-> <warmUp>
 * <goFile> <out>}: takes one lock (a socket backend registry, with a spin wait of that many µs for
 * {@code socket-spinning:<µs>}; a file backend registry; or {@code FileChannel.lock} on one file) as
 * fast as it can, {@code warmUp} cycles on a name of its own first; then, once {@code goFile}
 * exists, on the shared name until {@code seconds} after the {@link System#nanoTime()} the file
 * holds, recording only the holds acquired from that time on (every child records the same
 * window); inside each hold it either spins {@code holdNanos} or reads and rewrites
 * {@code criticalFile} (a counter); writes "callNanos acquiredNanos releaseNanos" lines to
 * {@code out} ({@link ContendedRun}).</li>
 * </ul>
 */
public final class BenchmarkChild {

    private BenchmarkChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("echo")) {
            echo(Path.of(args[1]));
        }
        else if (args[0].equals("ping")) {
            ping(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]),
                    Path.of(args[5]));
        }
        else if (args[0].equals("relay")) {
            relay(Path.of(args[1]), Long.parseLong(args[2]), criticalFile(args[3]), Path.of(args[4]));
        }
        else {
            loop(args[1], Path.of(args[2]), Double.parseDouble(args[3]), Long.parseLong(args[4]),
                    criticalFile(args[5]), Integer.parseInt(args[6]), Path.of(args[7]), Path.of(args[8]));
        }
    }

    private static Path criticalFile(String arg) {
        return arg.equals("-") ? null : Path.of(arg);
    }

    private static void echo(Path socket) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            System.out.println("READY");
            try (SocketChannel client = server.accept()) {
                ByteBuffer buffer = ByteBuffer.allocate(1);
                while (client.read(buffer.clear()) > 0) {
                    client.write(buffer.flip());
                }
            }
        }
    }

    private static void ping(Path socket, int warmUp, int count, long pauseNanos, Path out) throws Exception {
        long[] samples = new long[count];
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer buffer = ByteBuffer.allocate(1);
            for (int i = 0; i < warmUp + count; i++) {
                if (pauseNanos > 0) {
                    LockSupport.parkNanos(pauseNanos);
                }
                long start = System.nanoTime();
                channel.write(buffer.clear().put((byte) 1).flip());
                channel.read(buffer.clear());
                if (i >= warmUp) {
                    samples[i - warmUp] = System.nanoTime() - start;
                }
            }
        }
        try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(out))) {
            for (long sample : samples) {
                writer.println(sample);
            }
        }
    }

    private static void relay(Path socket, long holdNanos, Path criticalFile, Path out) throws Exception {
        int capacity = 1 << 20;
        long[] arrived = new long[capacity];
        long[] answered = new long[capacity];
        int n = 0;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            System.out.println("READY");
            try (SocketChannel client = server.accept()) {
                ByteBuffer buffer = ByteBuffer.allocate(1);
                while (n < capacity && client.read(buffer.clear()) > 0) {
                    arrived[n] = System.nanoTime();
                    hold(arrived[n], holdNanos, criticalFile);
                    answered[n] = System.nanoTime();
                    client.write(buffer.flip());
                    n++;
                }
            }
        }
        try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(out))) {
            for (int i = 0; i < n; i++) {
                writer.println(arrived[i] + " " + answered[i]);
            }
        }
    }

    /**
     * What a holder does: reads and rewrites {@code criticalFile} (a counter) if it is not
     * {@code null}, else spins {@code holdNanos} from {@code since}.
     */
    static void hold(long since, long holdNanos, Path criticalFile) throws IOException {
        if (criticalFile != null) {
            long count = Long.parseLong(Files.readString(criticalFile, StandardCharsets.US_ASCII).trim());
            Files.writeString(criticalFile, Long.toString(count + 1), StandardCharsets.US_ASCII);
        }
        else {
            spin(since, holdNanos);
        }
    }

    /** Busy for {@code holdNanos} from {@code since}, as a holder that computes. */
    private static void spin(long since, long holdNanos) {
        while (System.nanoTime() - since < holdNanos) {
            Thread.onSpinWait();
        }
    }

    /** The lock a {@code loop} child takes: acquire returns what release needs. */
    private interface Mechanism extends AutoCloseable {
        AutoCloseable acquire(String name) throws Exception;
    }

    private static Mechanism mechanism(String kind, Path lockDir) throws Exception {
        if (kind.equals("channel")) {
            FileChannel channel = FileChannel.open(lockDir.resolve("channel.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileChannel warmUp = FileChannel.open(lockDir.resolve("warm-up-" + ProcessHandle.current().pid()),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new Mechanism() {
                @Override
                public AutoCloseable acquire(String name) throws Exception {
                    FileLock lock = (name.startsWith("warm-up") ? warmUp : channel).lock();
                    return lock::release;
                }

                @Override
                public void close() throws Exception {
                    channel.close();
                    warmUp.close();
                }
            };
        }
        LockRegistry registry;
        if (kind.startsWith("socket-spinning:")) {
            Duration spin = Duration.ofNanos(1000 * Long.parseLong(kind.substring("socket-spinning:".length())));
            registry = Slocket.socket(SocketLockOptions.builder(lockDir).spinWait(spin).build());
        }
        else {
            registry = kind.equals("socket") ? Slocket.socket(lockDir) : Slocket.file(lockDir);
        }
        return new Mechanism() {
            @Override
            public AutoCloseable acquire(String name) {
                return registry.acquire(name);
            }

            @Override
            public void close() {
                registry.close();
            }
        };
    }

    private static void loop(String kind, Path lockDir, double seconds, long holdNanos, Path criticalFile, int warmUp,
            Path goFile, Path out) throws Exception {
        int capacity = 1 << 20;
        long[] calls = new long[capacity];
        long[] acquired = new long[capacity];
        long[] released = new long[capacity];
        int n = 0;
        try (Mechanism locks = mechanism(kind, lockDir)) {
            for (int i = 0; i < warmUp; i++) {
                locks.acquire("warm-up-" + ProcessHandle.current().pid()).close();
            }
            System.out.println("READY");
            while (!Files.exists(goFile)) {
                TimeUnit.MILLISECONDS.sleep(1);
            }
            long recordFrom = Long.parseLong(Files.readString(goFile).trim());
            long end = recordFrom + (long) (seconds * 1e9);
            while (n < capacity && System.nanoTime() - end < 0) {
                calls[n] = System.nanoTime();
                AutoCloseable lock = locks.acquire("loop");
                acquired[n] = System.nanoTime();
                hold(acquired[n], holdNanos, criticalFile);
                released[n] = System.nanoTime();
                lock.close();
                if (acquired[n] - recordFrom >= 0) {
                    n++;
                }
            }
        }
        try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(out))) {
            for (int i = 0; i < n; i++) {
                writer.println(calls[i] + " " + acquired[i] + " " + released[i]);
            }
        }
        System.out.println("DONE");
    }
}
