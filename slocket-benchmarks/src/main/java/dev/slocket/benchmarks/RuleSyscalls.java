package dev.slocket.benchmarks;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The system calls of the backend's uncontended acquire+release, in its order, from a plain
 * loop with no backend code: what any implementation that keeps the rules pays at
 * least (the rule behind each call is in {@link #stepsBeyondTheFloor}); and, one by one, the
 * calls it makes beyond the bind floor of {@link SocketBenchmark}.
 */
final class RuleSyscalls implements AutoCloseable {

    /** The backend's default socket mode. */
    private static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-------");

    /** Where the loops take a name's right and counter slot: any byte and slot will do. */
    private static final long RIGHT = 3 * 1234;

    private static final long SLOT = 8 * 123;

    private final Path socket;

    private final Path rightsFile;

    private final Path tokensFile;

    private final FileChannel rights;

    private final FileChannel tokens;

    private final MappedByteBuffer slots;

    RuleSyscalls(Path directory) throws IOException {
        this.socket = directory.resolve("syscalls.sock");
        this.rightsFile = directory.resolve("syscalls.rights");
        this.tokensFile = directory.resolve("syscalls.tokens");
        this.rights = openState(rightsFile);
        this.tokens = openState(tokensFile);
        this.slots = mapSlots(tokens);
    }

    void cycle() throws IOException {
        stateIdentity();
        FileLock arbiterRight = rights.tryLock(RIGHT, 1, false);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket), 511);
        server.configureBlocking(false);
        Object bound = identity(socket);
        Files.setPosixFilePermissions(socket, SOCKET_MODE);
        nextToken(tokens, slots);
        if (server.accept() != null) {
            throw new IllegalStateException("nobody else uses " + socket);
        }
        server.close();
        // one unlink, as the backend does: Files.delete would lstat once more
        if (bound.equals(identity(socket)) && !socket.toFile().delete()) {
            throw new IOException("cannot delete " + socket);
        }
        arbiterRight.release();
    }

    /** The backend checks once per acquisition that the directory's state files are still the ones it opened. */
    private void stateIdentity() throws IOException {
        identity(rightsFile);
        identity(tokensFile);
    }

    @Override
    public void close() throws IOException {
        rights.close();
        tokens.close();
    }

    private static FileChannel openState(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static Object identity(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /** The counters file mapped, as the backend maps it on a local file system. */
    private static MappedByteBuffer mapSlots(FileChannel tokens) throws IOException {
        return tokens.map(FileChannel.MapMode.READ_WRITE, 0, 4096L * Long.BYTES);
    }

    /** A fencing counter slot: byte-range lock, 8-byte load and store in the mapped file, unlock. */
    private static void nextToken(FileChannel tokens, MappedByteBuffer slots) throws IOException {
        try (FileLock slot = tokens.lock(SLOT, Long.BYTES, false)) {
            long next = Math.max(slots.getLong((int) SLOT) + 1, System.currentTimeMillis() * 1000);
            slots.putLong((int) SLOT, next);
        }
    }

    /**
     * What the backend does per uncontended cycle beyond {@code socket}+{@code bind}+{@code listen}+
     * {@code close}+{@code lstat}+{@code unlink}, each step timed alone on a socket like the lock's.
     */
    static Map<String, Stats> stepsBeyondTheFloor(Path work, int warmUp, int samples) throws Exception {
        Path socket = work.resolve("steps.sock");
        Map<String, Stats> steps = new LinkedHashMap<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                FileChannel sidecar = FileChannel.open(work.resolve("steps.owner"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            server.bind(UnixDomainSocketAddress.of(socket), 511);
            steps.put("arbiter right in the shared rights file: byte-range lock + unlock (`fcntl` x2)",
                    timed(warmUp, samples, () -> sidecar.tryLock(RIGHT, 1, false).release()));
            // half of a round trip between the two modes: F_GETFL + F_SETFL
            steps.put("non-blocking mode for the backlog check (`fcntl` x2)", timed(warmUp, samples, () -> {
                server.configureBlocking(false);
                server.configureBlocking(true);
            }).half());
            steps.put("identity of the bound socket (`lstat`)",
                    timed(warmUp, samples, () -> Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)));
            steps.put("socket mode 0600 (`chmod`)", timed(warmUp, samples, () -> Files.setPosixFilePermissions(socket, SOCKET_MODE)));
            Path tokensFile = work.resolve("steps.tokens");
            try (FileChannel tokens = openState(tokensFile)) {
                steps.put("state files still the opened ones, once per acquisition (`lstat` x2)",
                        timed(warmUp, samples, () -> {
                            identity(work.resolve("steps.owner"));
                            identity(tokensFile);
                        }));
                MappedByteBuffer slots = mapSlots(tokens);
                steps.put("fencing counter slot: lock, store in the mapped file, unlock (`fcntl` x2)",
                        timed(warmUp, samples, () -> nextToken(tokens, slots)));
            }
            server.configureBlocking(false);
            steps.put("backlog check: `accept` that finds no waiter", timed(warmUp, samples, server::accept));
        }
        Files.delete(socket);
        return steps;
    }

    /** One step of {@link #stepsBeyondTheFloor}. */
    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    private static Stats timed(int warmUp, int count, Step step) throws IOException {
        long[] samples = new long[count];
        for (int i = 0; i < warmUp + count; i++) {
            long start = System.nanoTime();
            step.run();
            if (i >= warmUp) {
                samples[i - warmUp] = System.nanoTime() - start;
            }
        }
        return Stats.of(samples);
    }
}
