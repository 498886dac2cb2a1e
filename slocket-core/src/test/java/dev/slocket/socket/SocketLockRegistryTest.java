package dev.slocket.socket;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.LockRegistryContractTest;
import dev.slocket.Slocket;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared contract on the socket backend: every registry of a test has its own backend on one
 * lock directory, so they contend through the socket protocol exactly like separate processes
 * (SL-5). A loss is induced the way a {@code /tmp} cleaner would cause it: by deleting the socket.
 */
class SocketLockRegistryTest extends LockRegistryContractTest {

    /** The threads of the JVM-wide pool that runs blocking acquisitions for backends that cannot wait without one. */
    static final String BLOCKING_POOL_THREADS = "slocket-blocking-acquire-";

    @TempDir
    Path directory;

    private Set<Thread> poolThreadsBefore;

    @BeforeEach
    void notePoolThreads() {
        poolThreadsBefore = blockingPoolThreads();
    }

    @Override
    protected LockRegistry createRegistry() {
        return Slocket.socket(directory.resolve("locks"));
    }

    @Override
    protected void induceLoss(LockRegistry owner, HeldLock lock) throws Exception {
        SocketLockBackend backend = new SocketLockBackend(SocketLockOptions.defaults(directory.resolve("locks")));
        Files.delete(backend.socketPath(lock.name()));
    }

    @Override
    protected Duration lossDetectionTime() {
        return Duration.ofSeconds(3);
    }

    /** The socket backend waits by itself: the blocking pool neither starts a thread nor runs its acquire. */
    @Override
    protected void checkWhileAsyncWaitersWait() {
        assertNoBlockingPoolAtWork(poolThreadsBefore);
    }

    /** @return the blocking pool's live threads */
    static Set<Thread> blockingPoolThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(BLOCKING_POOL_THREADS))
                .collect(Collectors.toSet());
    }

    /**
     * @param before the pool's threads before the waiters came (other backends of the test JVM may
     *        have used the pool)
     */
    static void assertNoBlockingPoolAtWork(Set<Thread> before) {
        assertThat(blockingPoolThreads()).as("threads the blocking pool started").isSubsetOf(before);
        assertThat(Thread.getAllStackTraces().values()).as("threads blocked in the socket backend's acquire")
                .noneMatch(stack -> Arrays.stream(stack)
                        .anyMatch(frame -> frame.getClassName().equals(Contender.class.getName())
                                && frame.getMethodName().equals("acquire")));
    }
}
