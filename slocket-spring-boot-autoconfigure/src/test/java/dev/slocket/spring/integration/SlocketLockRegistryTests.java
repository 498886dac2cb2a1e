package dev.slocket.spring.integration;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.memory.MemoryLockBackend;

import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Spring Integration's lock semantics over a slocket registry (memory backend; a second registry
 * on the same backend stands for another process).
 */
class SlocketLockRegistryTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final MemoryLockBackend backend = new MemoryLockBackend();

    private final LockRegistry locks = Slocket.registry(backend);

    private final LockRegistry otherProcess = Slocket.registry(backend);

    private final SlocketLockRegistry registry = new SlocketLockRegistry(locks);

    private final ExecutorService otherThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        otherThread.shutdownNow();
        locks.close();
        otherProcess.close();
    }

    @Test
    void aLockExcludesOtherThreadsAndOtherProcessesUntilUnlocked() throws Exception {
        Lock lock = registry.obtain("job");
        lock.lock();
        assertThat(otherThread.submit(() -> registry.obtain("job").tryLock()).get()).isFalse();
        assertThat(otherProcess.tryAcquire("job")).isEmpty();
        lock.unlock();
        assertThat(otherThread.submit(() -> tryLockThenUnlock("job")).get()).isTrue();
        assertThat(otherProcess.tryAcquire("job")).hasValueSatisfying(held -> held.release());
    }

    @Test
    void theOwnerReentersAndOnlyTheOutermostUnlockReleases() throws Exception {
        Lock lock = registry.obtain("job");
        lock.lock();
        assertThat(registry.obtain("job").tryLock()).isTrue();
        lock.unlock();
        assertThat(otherProcess.tryAcquire("job")).isEmpty();
        lock.unlock();
        assertThat(otherProcess.tryAcquire("job")).hasValueSatisfying(held -> held.release());
    }

    @Test
    void unlockByAThreadThatDoesNotHoldTheLockThrowsAndKeepsTheLockHeld() throws Exception {
        Lock lock = registry.obtain("job");
        lock.lock();
        Future<?> foreignUnlock = otherThread.submit(() -> registry.obtain("job").unlock());
        assertThatExceptionOfType(java.util.concurrent.ExecutionException.class).isThrownBy(foreignUnlock::get)
                .withCauseInstanceOf(IllegalMonitorStateException.class);
        assertThat(otherProcess.tryAcquire("job")).isEmpty();
        lock.unlock();
        assertThatExceptionOfType(IllegalMonitorStateException.class).isThrownBy(lock::unlock);
    }

    @Test
    void tryLockWithATimeoutGivesUpWhenTheLockStaysHeldElsewhere() throws Exception {
        try (var held = otherProcess.acquire("job", WAIT)) {
            long start = System.nanoTime();
            assertThat(registry.obtain("job").tryLock(200, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
        assertThat(registry.obtain("job").tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void tryLockWaitsUntilTheHolderReleases() throws Exception {
        var held = otherProcess.acquire("job", WAIT);
        Future<Boolean> waiter = otherThread.submit(() -> {
            Lock lock = registry.obtain("job");
            boolean locked = lock.tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            lock.unlock();
            return locked;
        });
        await().atMost(WAIT).until(() -> !locks.locks().isEmpty());
        assertThat(waiter.isDone()).isFalse();
        held.release();
        assertThat(waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void lockInterruptiblyEndsWithInterruptedExceptionAndLeavesNothingHeld() throws Exception {
        var held = otherProcess.acquire("job", WAIT);
        AtomicReference<Thread> waiting = new AtomicReference<>();
        Future<Throwable> waiter = otherThread.submit(() -> {
            waiting.set(Thread.currentThread());
            try {
                registry.obtain("job").lockInterruptibly();
                return null;
            }
            catch (InterruptedException ex) {
                return ex;
            }
        });
        await().atMost(WAIT).until(() -> !locks.locks().isEmpty());
        waiting.get().interrupt();
        assertThat(waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        held.release();
        assertThat(otherProcess.tryAcquire("job")).hasValueSatisfying(again -> again.release());
    }

    @Test
    void lockIsNotInterruptibleButKeepsTheInterruptStatus() throws Exception {
        var held = otherProcess.acquire("job", WAIT);
        AtomicReference<Thread> waiting = new AtomicReference<>();
        Future<Boolean> waiter = otherThread.submit(() -> {
            waiting.set(Thread.currentThread());
            Lock lock = registry.obtain("job");
            lock.lock();
            boolean interrupted = Thread.interrupted();
            lock.unlock();
            return interrupted;
        });
        await().atMost(WAIT).until(() -> !locks.locks().isEmpty());
        waiting.get().interrupt();
        await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> !waiter.isDone());
        held.release();
        assertThat(waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void unlockAfterTheLockWasLostThrowsConcurrentModificationAndCleansUp() {
        Lock lock = registry.obtain("job");
        lock.lock();
        backend.revoke("job", "revoked by the test");
        assertThatExceptionOfType(ConcurrentModificationException.class).isThrownBy(lock::unlock)
                .withMessageContaining("job");
        assertThatExceptionOfType(IllegalMonitorStateException.class).isThrownBy(lock::unlock);
        assertThat(locks.locks()).isEmpty();
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }

    @Test
    void theOwnerOfALostLockTakesItAnewInsteadOfReenteringIt() {
        Lock lock = registry.obtain("job");
        lock.lock();
        backend.revoke("job", "revoked by the test");
        assertThat(lock.tryLock()).isTrue();
        assertThat(locks.locks()).singleElement().satisfies(info -> assertThat(info.fencingToken()).hasValue(2));
        lock.unlock();
        assertThat(otherProcess.tryAcquire("job")).hasValueSatisfying(held -> held.release());
    }

    @Test
    void keysWithEqualHashCodesAreDifferentLocks() throws Exception {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        Lock aa = registry.obtain("Aa");
        aa.lock();
        assertThat(otherThread.submit(() -> tryLockThenUnlock("BB")).get()).isTrue();
        aa.unlock();
    }

    @Test
    void executeLockedRunsTheTaskUnderTheLock() throws Exception {
        String result = registry.executeLocked("job", () -> {
            assertThat(otherProcess.tryAcquire("job")).isEmpty();
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(otherProcess.tryAcquire("job")).hasValueSatisfying(held -> held.release());
    }

    @Test
    void conditionsAndKeysThatAreNoLockNamesAreRefused() {
        assertThatExceptionOfType(UnsupportedOperationException.class)
                .isThrownBy(() -> registry.obtain("job").newCondition());
        assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(42)).withMessageContaining("String");
        assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain("a\u0000b"))
                .withMessageContaining("control characters");
    }

    @Test
    void manyThreadsIncrementACounterWithoutLosingUpdates() throws Exception {
        int[] counter = { 0 };
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CompletableFuture<?>[] all = new CompletableFuture<?>[4];
            for (int t = 0; t < all.length; t++) {
                all[t] = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 500; i++) {
                        Lock lock = registry.obtain("counter");
                        lock.lock();
                        try {
                            counter[0]++;
                        }
                        finally {
                            lock.unlock();
                        }
                    }
                }, pool);
            }
            CompletableFuture.allOf(all).get(WAIT.toSeconds() * 3, TimeUnit.SECONDS);
        }
        finally {
            pool.shutdownNow();
        }
        assertThat(counter[0]).isEqualTo(2000);
    }

    private boolean tryLockThenUnlock(String key) {
        Lock lock = registry.obtain(key);
        if (!lock.tryLock()) {
            return false;
        }
        lock.unlock();
        return true;
    }
}
