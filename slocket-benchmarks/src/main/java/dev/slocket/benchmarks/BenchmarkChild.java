package dev.slocket.benchmarks;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;

import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The second process of {@link SocketBenchmark}. Roles:
 * <ul>
 * <li>{@code echo <socket>}: answers every byte on one connection with one byte.</li>
 * <li>{@code handoff <lockDir> <name> <rounds> <holdNanos> <goFile> <out>}: warms up, prints
 * {@code READY}, waits for {@code goFile}, then takes the lock {@code rounds} times, holding it
 * about {@code holdNanos} (parked, like a critical section that waits for I/O) each time, and writes
 * "token acquiredNanos releaseNanos" lines to {@code out}.</li>
 * </ul>
 */
public final class BenchmarkChild {

    private BenchmarkChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("echo")) {
            echo(Path.of(args[1]));
        }
        else {
            handoff(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]), Path.of(args[5]),
                    Path.of(args[6]));
        }
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

    private static void handoff(Path lockDir, String name, int rounds, long holdNanos, Path goFile, Path out)
            throws Exception {
        long[] acquired = new long[rounds];
        long[] released = new long[rounds];
        long[] tokens = new long[rounds];
        try (LockRegistry registry = Slocket.socket(lockDir)) {
            for (int i = 0; i < 20_000; i++) {
                registry.acquire("warm-up-" + ProcessHandle.current().pid()).release();
            }
            System.out.println("READY");
            while (!Files.exists(goFile)) {
                TimeUnit.MILLISECONDS.sleep(1);
            }
            for (int i = 0; i < rounds; i++) {
                HeldLock lock = registry.acquire(name);
                acquired[i] = System.nanoTime();
                tokens[i] = lock.fencingToken();
                if (holdNanos > 0) {
                    LockSupport.parkNanos(holdNanos);
                }
                released[i] = System.nanoTime();
                lock.release();
            }
        }
        try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(out))) {
            for (int i = 0; i < rounds; i++) {
                writer.println(tokens[i] + " " + acquired[i] + " " + released[i]);
            }
        }
        System.out.println("DONE");
    }
}
