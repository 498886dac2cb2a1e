package dev.slocket.internal;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.file.FileLockOptions;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.testing.SharedBackend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Code chained onto an asynchronous acquisition (a {@code Mono} body, a {@code thenApply}) runs on
 * the registry's continuation pool: never on the thread that released the lock, and never on a
 * backend's own thread, where a blocking callback would stall every other acquisition of that backend.
 */
class AsyncCompletionThreadTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    @Test
    void aBlockingCallbackDoesNotStallTheFileBackendsOtherAcquisitions() throws Exception {
        FileLockOptions options = FileLockOptions.builder(directory).stale(Duration.ofSeconds(5)).build();
        try (LockRegistry holder = Slocket.file(options); LockRegistry waiter = Slocket.file(options)) {
            HeldLock first = holder.acquire("first", WAIT);
            HeldLock second = holder.acquire("second", WAIT);
            CountDownLatch unblock = new CountDownLatch(1);
            CompletableFuture<HeldLock> blocked = waiter.acquireAsync("first", WAIT);
            CompletableFuture<HeldLock> other = waiter.acquireAsync("second", WAIT);
            CompletableFuture<HeldLock> blocking = blocked.thenApply(lock -> awaitQuietly(unblock, lock));
            try {
                first.release();
                second.release();
                assertThat(other.get(WAIT.toSeconds(), TimeUnit.SECONDS).isHeld())
                        .as("acquired while the first acquisition's callback blocks").isTrue();
                other.join().release();
            }
            finally {
                unblock.countDown();
            }
            blocking.get(WAIT.toSeconds(), TimeUnit.SECONDS).release();
        }
    }

    @Test
    void releasingNeverRunsTheNextHoldersCallback() throws Exception {
        MemoryLockBackend backend = new MemoryLockBackend();
        try (LockRegistry holder = new LocalLockRegistry(new SharedBackend(backend), null);
                LockRegistry waiter = new LocalLockRegistry(new SharedBackend(backend), null)) {
            HeldLock held = holder.acquire("handed", WAIT);
            CountDownLatch unblock = new CountDownLatch(1);
            CompletableFuture<HeldLock> blocking = waiter.acquireAsync("handed", WAIT)
                    .thenApply(lock -> awaitQuietly(unblock, lock));
            Thread releaser = new Thread(held::release, "releaser");
            releaser.start();
            try {
                releaser.join(WAIT.toMillis() / 2);
                assertThat(releaser.isAlive()).as("release still running: it runs the next holder's callback").isFalse();
            }
            finally {
                unblock.countDown();
            }
            blocking.get(WAIT.toSeconds(), TimeUnit.SECONDS).release();
        }
    }

    private static HeldLock awaitQuietly(CountDownLatch latch, HeldLock lock) {
        try {
            if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("never unblocked");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        return lock;
    }
}
