package dev.slocket.socket;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.LockRegistryContractTest;
import dev.slocket.Slocket;
import dev.slocket.spi.DirectoryState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared contract on the socket backend: every registry of a test has its own backend on one
 * lock directory, so they contend through the socket protocol exactly like separate processes
 * (SL-5). A loss is induced the way a {@code /tmp} cleaner would cause it: by deleting the socket.
 */
class SocketLockRegistryTest extends LockRegistryContractTest {

    @TempDir
    Path directory;

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

    /** The socket backend waits by itself: no thread blocks in its acquire (the contract checks the blocking pool). */
    @Override
    protected void checkWhileAsyncWaitersWait() {
        assertNoThreadBlockedInAcquire();
    }

    /**
     * Each acquisition checks that the directory's state files are still the ones this JVM opened, so
     * a counters file a tmp cleaner deleted is created afresh by the next one, and tokens keep rising.
     */
    @Test
    void aCountersFileDeletedBetweenAcquisitionsIsCreatedAfreshByTheNext() throws Exception {
        Path tokens = directory.resolve("locks").resolve(DirectoryState.TOKENS);
        try (LockRegistry registry = createRegistry()) {
            long first;
            try (HeldLock lock = registry.acquire("tokens")) {
                first = lock.fencingToken();
            }
            Files.delete(tokens);

            try (HeldLock lock = registry.acquire("tokens")) {
                assertThat(tokens).as("the counters file, created afresh").exists();
                assertThat(lock.fencingToken()).isGreaterThan(first);
            }
        }
    }

    static void assertNoThreadBlockedInAcquire() {
        assertThat(Thread.getAllStackTraces().values()).as("threads blocked in the socket backend's acquire")
                .noneMatch(stack -> Arrays.stream(stack)
                        .anyMatch(frame -> frame.getClassName().equals(Contender.class.getName())
                                && frame.getMethodName().equals("acquire")));
    }
}
