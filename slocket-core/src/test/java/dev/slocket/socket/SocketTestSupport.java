package dev.slocket.socket;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.testing.ChildJvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Shared helpers of the socket tests: starting {@link SocketLockWorker} children, signalling
 * them, and counting the connections an arbiter has (from {@code /proc/net/unix}).
 */
final class SocketTestSupport implements AutoCloseable {

    private static final String LISTENING_FLAGS = "00010000";

    private final Path lockDir;

    private final Path workDir;

    private final List<ChildJvm> children = new ArrayList<>();

    private final List<LockRegistry> registries = new ArrayList<>();

    SocketTestSupport(Path root) throws IOException {
        this.lockDir = Files.createDirectories(root.resolve("locks"));
        this.workDir = Files.createDirectories(root.resolve("work"));
    }

    Path lockDir() {
        return lockDir;
    }

    Path workDir() {
        return workDir;
    }

    /** @return a new registry on the lock directory, with a backend of its own; closed with this support */
    LockRegistry registry() {
        LockRegistry registry = Slocket.socket(lockDir);
        registries.add(registry);
        return registry;
    }

    /** @return the socket path of {@code name} in the lock directory */
    Path socket(String name) {
        return new SocketLockBackend(SocketLockOptions.defaults(lockDir)).socketPath(name);
    }

    /** Starts a worker child; see {@link SocketLockWorker} for the roles. */
    ChildJvm child(StaleSocketPolicy policy, String name, String... role) throws IOException {
        List<String> args = new ArrayList<>(List.of(lockDir.toString(), workDir.toString(), policy.name(), name));
        args.addAll(List.of(role));
        ChildJvm child = ChildJvm.start(workDir, SocketLockWorker.class, args.toArray(String[]::new));
        children.add(child);
        return child;
    }

    /** Tells a worker to go on: creates {@code workDir/<file>}. */
    void signal(String file) throws IOException {
        Files.createFile(workDir.resolve(file));
    }

    /** @return the lines of the occupancy journal: "token who", in order of entry */
    List<String> journal() throws IOException {
        Path journal = workDir.resolve("journal");
        return Files.exists(journal) ? Files.readAllLines(journal) : List.of();
    }

    /** Removes the marker a killed holder left behind. */
    void clearMarker() throws IOException {
        Files.deleteIfExists(workDir.resolve("occupied"));
    }

    /**
     * @param socket a lock socket path
     * @return how many connections (accepted or still in the backlog) its listener has
     */
    static long connectionsTo(Path socket) throws IOException {
        String suffix = " " + socket;
        return connections(line -> line.endsWith(suffix));
    }

    /**
     * @return how many connections (accepted or still in a backlog) the listeners of this lock
     *         directory have, all locks together
     */
    long connectionsIntoLockDir() throws IOException {
        String prefix = " " + lockDir + "/";
        return connections(line -> line.contains(prefix));
    }

    private static long connections(Predicate<String> ofPaths) throws IOException {
        return Files.readAllLines(Path.of("/proc/net/unix")).stream()
                .filter(ofPaths)
                .filter(line -> !line.split("\\s+")[3].equals(LISTENING_FLAGS))
                .count();
    }

    /** @return how many sockets this JVM has open */
    static long openSocketsOfThisJvm() throws IOException {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.filter(descriptor -> {
                try {
                    return Files.readSymbolicLink(descriptor).toString().startsWith("socket:");
                }
                catch (IOException ex) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    /** Acquires through the backend SPI on {@code executor}, waiting at most {@code wait}. */
    static CompletableFuture<BackendLock> acquireAsync(SocketLockBackend backend, String name, Duration wait,
            Executor executor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return backend.acquire(name, Deadline.after(wait), reason -> { });
            }
            catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        }, executor);
    }

    @Override
    public void close() throws InterruptedException {
        registries.forEach(LockRegistry::close);
        for (ChildJvm child : children) {
            child.close();
        }
    }
}
