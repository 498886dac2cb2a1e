package dev.slocket.internal;

import dev.slocket.HeldLock;
import dev.slocket.RegistryOptions;
import dev.slocket.SlocketException;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.spi.ForwardingBackend;
import dev.slocket.testing.SharedBackend;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The registry's side of shutdown that the contract cannot see: the backend outlives a holder
 * that outlives the grace period, and withdrawal leaves no interrupt behind.
 */
class RegistryShutdownTest {

    private static final Duration BOUND = Duration.ofSeconds(20);

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void theBackendStaysOpenForAHolderThatOutlivesTheGracePeriod() throws Exception {
        AtomicBoolean backendClosed = new AtomicBoolean();
        ForwardingBackend backend = new ForwardingBackend(new MemoryLockBackend()) {
            @Override
            public void close() {
                backendClosed.set(true);
                super.close();
            }
        };
        LocalLockRegistry registry = LocalLockRegistry.create(backend,
                RegistryOptions.defaults().withShutdownGrace(Duration.ofMillis(200)).withShutdownHook(false));
        CountDownLatch done = new CountDownLatch(1);
        CompletableFuture<HeldLock> holding = new CompletableFuture<>();
        Future<?> holder = threads.submit(() -> {
            try (HeldLock lock = registry.acquire("long-work")) {
                holding.complete(lock);
                done.await();
            }
            return null;
        });
        HeldLock lock = holding.get(BOUND.toSeconds(), TimeUnit.SECONDS);

        assertThat(registry.shutdown(Duration.ofMillis(200))).as("all released in time").isFalse();
        assertThat(lock.isHeld()).isTrue();
        assertThat(backendClosed).as("backend closed under a holder").isFalse();

        done.countDown();
        holder.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(backendClosed).isTrue();
    }

    @Test
    void aWithdrawnWaiterKeepsNoInterrupt() throws Exception {
        MemoryLockBackend shared = new MemoryLockBackend();
        try (LocalLockRegistry other = new LocalLockRegistry(new SharedBackend(shared), null)) {
            HeldLock held = other.acquire("busy", BOUND);
            LocalLockRegistry registry = new LocalLockRegistry(new SharedBackend(shared), null);
            Future<Boolean> waiter = threads.submit(() -> {
                try {
                    registry.acquire("busy", BOUND).release();
                    return null;
                }
                catch (SlocketException ex) {
                    return Thread.currentThread().isInterrupted();
                }
            });
            await().atMost(BOUND).until(() -> !registry.locks().isEmpty());

            registry.close();
            assertThat(waiter.get(BOUND.toSeconds(), TimeUnit.SECONDS)).as("interrupted after withdrawal").isFalse();
            held.release();
        }
    }
}
