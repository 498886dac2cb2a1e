package dev.slocket.internal;

import dev.slocket.HeldLock;
import dev.slocket.LockLoss;
import dev.slocket.LockLostException;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.ForwardingBackend;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LockObserver;
import dev.slocket.spi.LossListener;
import dev.slocket.testing.SharedBackend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalLockRegistryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void leavesNoStateForNamesThatAreNeitherHeldNorAwaited() {
        try (LocalLockRegistry registry = new LocalLockRegistry(new MemoryLockBackend(), null)) {
            for (int i = 0; i < 20_000; i++) {
                registry.acquire("order-" + i, WAIT).release();
            }
            registry.tryAcquire("busy").orElseThrow();
            assertThat(registry.trackedNames()).isEqualTo(1);
            assertThat(registry.locks()).hasSize(1);
        }
    }

    @Test
    void timeoutsAndNestedAcquisitionsLeaveNoStateBehind() {
        MemoryLockBackend backend = new MemoryLockBackend();
        try (LocalLockRegistry registry = new LocalLockRegistry(new SharedBackend(backend), null);
                LocalLockRegistry other = new LocalLockRegistry(new SharedBackend(backend), null)) {
            HeldLock outer = registry.acquire("n", WAIT);
            registry.acquire("n", WAIT).release();
            assertThat(other.tryAcquire("n")).isEmpty();
            assertThat(other.trackedNames()).isZero();
            outer.release();
            assertThat(registry.trackedNames()).isZero();
        }
    }

    @Test
    void releaseHeldFreesEveryHeldNameWhoeverHoldsIt() throws Exception {
        try (LocalLockRegistry registry = new LocalLockRegistry(new MemoryLockBackend(), null)) {
            HeldLock onThisThread = registry.acquire("a", WAIT);
            registry.acquire("a", WAIT);
            HeldLock detached = registry.acquireAsync("b", Duration.ZERO).get(20, TimeUnit.SECONDS);
            assertThat(registry.releaseHeld()).containsExactlyInAnyOrder("a", "b");
            assertThat(onThisThread.isHeld()).isFalse();
            assertThat(detached.isHeld()).isFalse();
            assertThat(registry.trackedNames()).isZero();
            try (HeldLock again = registry.acquireAsync("a", Duration.ZERO).get(20, TimeUnit.SECONDS)) {
                assertThat(again.isHeld()).isTrue();
            }
        }
    }

    @Test
    void observersLearnTheFencingTokenOfEachAcquisition() {
        List<Long> tokens = new ArrayList<>();
        try (LocalLockRegistry registry = new LocalLockRegistry(new MemoryLockBackend(), null)) {
            registry.addObserver(lock -> new LockObserver.Wait() {

                @Override
                public void acquired() {
                    tokens.add(-1L);
                }

                @Override
                public void acquired(long fencingToken) {
                    tokens.add(fencingToken);
                }

                @Override
                public void timedOut() {
                }

                @Override
                public void failed(Throwable failure) {
                }
            });
            long first = registry.acquire("t", WAIT).fencingToken();
            registry.releaseHeld();
            long second = registry.acquire("t", WAIT).fencingToken();
            assertThat(tokens).containsExactly(first, second);
        }
    }

    @Test
    void theBackendSeesAtMostOneAcquisitionPerNameAtATime() throws Exception {
        ConcurrencyCheckingBackend backend = new ConcurrencyCheckingBackend();
        ExecutorService executor = Executors.newFixedThreadPool(8);
        try (LocalLockRegistry registry = new LocalLockRegistry(backend, null)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        registry.acquire("hot", WAIT).release();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(backend.maxConcurrent.get()).isEqualTo(1);
        assertThat(backend.acquisitions.get()).isEqualTo(8 * 300);
    }

    @Test
    void reenteringALostLockFailsInsteadOfPretending() {
        MemoryLockBackend backend = new MemoryLockBackend();
        try (LocalLockRegistry registry = new LocalLockRegistry(backend, null)) {
            HeldLock lock = registry.acquire("lost", WAIT);
            backend.revoke("lost", "test");
            assertThatThrownBy(() -> registry.acquire("lost", WAIT)).isInstanceOf(LockLostException.class)
                    .hasMessageContaining("lost").hasMessageContaining("test");
            lock.release();
            registry.acquire("lost", WAIT).release();
        }
    }

    @Test
    void defaultWaitAppliesToAcquireWithoutAWait() {
        MemoryLockBackend backend = new MemoryLockBackend();
        try (LocalLockRegistry holder = new LocalLockRegistry(new SharedBackend(backend), null);
                LocalLockRegistry waiter = new LocalLockRegistry(new SharedBackend(backend), Duration.ofMillis(100))) {
            holder.acquire("busy", WAIT);
            assertThatThrownBy(() -> waiter.acquire("busy")).hasMessageContaining("PT0.1S");
        }
    }

    /** A hold the backend no longer vouches for is not held, and its loss is reported once, by isHeld() itself. */
    @Test
    void isHeldAsksTheBackendAndReportsTheLossAtOnce() {
        AtomicBoolean valid = new AtomicBoolean(true);
        LockBackend expiring = new ForwardingBackend(new MemoryLockBackend()) {
            @Override
            public BackendLock acquire(String name, Deadline deadline, LossListener lossListener)
                    throws InterruptedException {
                BackendLock lock = super.acquire(name, deadline, lossListener);
                return new BackendLock() {
                    @Override
                    public long fencingToken() {
                        return lock.fencingToken();
                    }

                    @Override
                    public void release() {
                        lock.release();
                    }

                    @Override
                    public boolean isValid() {
                        return valid.get();
                    }
                };
            }
        };
        List<LockLoss> losses = new CopyOnWriteArrayList<>();
        try (LocalLockRegistry registry = new LocalLockRegistry(expiring, null)) {
            registry.addLockLostListener(losses::add);
            HeldLock lock = registry.acquire("lease", WAIT);
            List<LockLoss> seen = new CopyOnWriteArrayList<>();
            lock.onLost(seen::add);
            assertThat(lock.isHeld()).isTrue();
            valid.set(false);
            assertThat(lock.isHeld()).isFalse();
            assertThat(lock.isHeld()).isFalse();
            assertThat(seen).singleElement().satisfies(loss -> assertThat(loss.reason()).contains("ran out"));
            assertThat(losses).hasSize(1);
            lock.release();
        }
    }

    /** Fails the test if two threads are inside {@code acquire} for one name at once. */
    private static final class ConcurrencyCheckingBackend extends ForwardingBackend {

        private final ConcurrentHashMap<String, AtomicInteger> inside = new ConcurrentHashMap<>();

        final AtomicInteger maxConcurrent = new AtomicInteger();

        final AtomicInteger acquisitions = new AtomicInteger();

        ConcurrencyCheckingBackend() {
            super(new MemoryLockBackend());
        }

        @Override
        public BackendLock acquire(String name, Deadline deadline, LossListener lossListener)
                throws InterruptedException {
            AtomicInteger counter = inside.computeIfAbsent(name, key -> new AtomicInteger());
            int now = counter.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            try {
                acquisitions.incrementAndGet();
                return super.acquire(name, deadline, lossListener);
            }
            finally {
                counter.decrementAndGet();
            }
        }
    }
}
