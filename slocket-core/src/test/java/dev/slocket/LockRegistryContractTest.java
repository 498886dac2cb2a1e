package dev.slocket;

import dev.slocket.testing.BlockingPoolThreads;
import dev.slocket.testing.VirtualThreads;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour every backend shares (DESIGN §4, §6). A backend's test subclasses this and
 * says how to make registries that share one lock location and how to make a held lock be lost.
 */
public abstract class LockRegistryContractTest {

    protected static final Duration LONG = Duration.ofSeconds(20);

    private final List<LockRegistry> registries = Collections.synchronizedList(new ArrayList<>());

    private ExecutorService executor;

    protected LockRegistry registry;

    /** @return a new registry that shares its lock location with every other one of this test */
    protected abstract LockRegistry createRegistry() throws Exception;

    /**
     * Makes the backend find out that {@code lock} (held by {@code owner}) is no longer ours, the
     * way it would in production (lock directory removed, object overwritten, injected loss...).
     */
    protected abstract void induceLoss(LockRegistry owner, HeldLock lock) throws Exception;

    /** @return how long the backend may take to notice an induced loss */
    protected Duration lossDetectionTime() {
        return Duration.ofSeconds(10);
    }

    /** Every backend here has its own {@code acquireAsync}: none waits on the JVM-wide blocking fallback pool. */
    private static void assertBlockingPoolUnused(BlockingPoolThreads snapshot) {
        assertThat(snapshot.usedSinceSnapshot()).as("threads of the blocking fallback pool").isEmpty();
    }

    protected LockRegistry newRegistry() throws Exception {
        LockRegistry created = createRegistry();
        registries.add(created);
        return created;
    }

    @BeforeEach
    void openRegistry() throws Exception {
        executor = Executors.newCachedThreadPool();
        registry = newRegistry();
    }

    @AfterEach
    void closeRegistries() {
        executor.shutdownNow();
        synchronized (registries) {
            registries.forEach(LockRegistry::close);
        }
    }

    private <T> T inOtherThread(java.util.concurrent.Callable<T> action) throws Exception {
        return executor.submit(action).get(30, TimeUnit.SECONDS);
    }

    @Test
    void acquiresAndReleases() {
        HeldLock lock = registry.acquire("contract-basic", LONG);
        assertThat(lock.isHeld()).isTrue();
        assertThat(lock.name()).isEqualTo("contract-basic");
        assertThat(lock.fencingToken()).isPositive();
        assertThat(lock.acquiredAt()).isNotNull();
        lock.release();
        assertThat(lock.isHeld()).isFalse();
        try (HeldLock again = registry.acquire("contract-basic", LONG)) {
            assertThat(again.isHeld()).isTrue();
        }
    }

    @Test
    void excludesOtherThreadsOfTheSameRegistry() throws Exception {
        try (HeldLock lock = registry.acquire("contract-threads", LONG)) {
            assertThat(inOtherThread(() -> registry.tryAcquire("contract-threads"))).isEmpty();
        }
        Optional<HeldLock> after = inOtherThread(() -> registry.tryAcquire("contract-threads"));
        assertThat(after).isPresent();
        after.get().release();
    }

    @Test
    void excludesOtherRegistries() throws Exception {
        LockRegistry other = newRegistry();
        HeldLock lock = registry.acquire("contract-registries", LONG);
        assertThat(other.tryAcquire("contract-registries")).isEmpty();
        lock.release();
        try (HeldLock theirs = other.acquire("contract-registries", LONG)) {
            assertThat(theirs.isHeld()).isTrue();
            assertThat(registry.tryAcquire("contract-registries")).isEmpty();
        }
    }

    @Test
    void namesAreIndependent() throws Exception {
        LockRegistry other = newRegistry();
        try (HeldLock a = registry.acquire("contract-a", LONG); HeldLock b = other.acquire("contract-b", LONG)) {
            assertThat(a.isHeld()).isTrue();
            assertThat(b.isHeld()).isTrue();
        }
    }

    @Test
    void relockingGivesAGreaterFencingToken() {
        long first;
        try (HeldLock lock = registry.acquire("contract-relock", LONG)) {
            first = lock.fencingToken();
        }
        try (HeldLock lock = registry.acquire("contract-relock", LONG)) {
            assertThat(lock.fencingToken()).isGreaterThan(first);
        }
    }

    @Test
    void fencingTokensStrictlyIncreaseAcrossRegistries() throws Exception {
        LockRegistry other = newRegistry();
        long last = 0;
        for (int i = 0; i < 10; i++) {
            LockRegistry which = (i % 2 == 0) ? registry : other;
            try (HeldLock lock = which.acquire("contract-tokens", LONG)) {
                assertThat(lock.fencingToken()).isGreaterThan(last);
                last = lock.fencingToken();
            }
        }
    }

    @Test
    void timesOutWhenHeldElsewhere() throws Exception {
        LockRegistry other = newRegistry();
        try (HeldLock lock = registry.acquire("contract-timeout", LONG)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> other.acquire("contract-timeout", Duration.ofMillis(300)))
                    .isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining("contract-timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThatThrownBy(() -> inOtherThread(() -> registry.acquire("contract-timeout", Duration.ofMillis(100))))
                    .hasCauseInstanceOf(LockTimeoutException.class);
        }
        try (HeldLock lock = other.acquire("contract-timeout", Duration.ZERO)) {
            assertThat(lock.isHeld()).as("a timed-out request leaves nothing held").isTrue();
        }
    }

    @Test
    void zeroWaitMakesOneAttempt() throws Exception {
        LockRegistry other = newRegistry();
        try (HeldLock lock = registry.acquire("contract-zero", Duration.ZERO)) {
            assertThat(lock.isHeld()).isTrue();
            assertThatThrownBy(() -> other.acquire("contract-zero", Duration.ZERO))
                    .isInstanceOf(LockTimeoutException.class);
        }
    }

    @Test
    void tryAcquireOrNullFitsTryWithResources() throws Exception {
        LockRegistry other = newRegistry();
        try (HeldLock lock = registry.tryAcquireOrNull("contract-try")) {
            assertThat(lock).isNotNull();
            try (HeldLock theirs = inOtherThread(() -> other.tryAcquireOrNull("contract-try"))) {
                assertThat(theirs).as("held by this registry").isNull();
            }
        }
        try (HeldLock theirs = other.tryAcquireOrNull("contract-try")) {
            assertThat(theirs).as("free again after the try block").isNotNull();
        }
    }

    @Test
    void aDeferredReleaseHoldsTheLockUntilItsTimeWithoutAThread() throws Exception {
        LockRegistry other = newRegistry();
        HeldLock lock = registry.acquire("contract-deferred", LONG);
        Instant notBefore = lock.acquiredAt().plus(Duration.ofSeconds(1));
        lock.releaseNoEarlierThan(notBefore);
        assertThat(Instant.now()).as("the call returns at once").isBefore(notBefore);
        assertThat(registry.tryAcquire("contract-deferred")).as("no longer re-entrant for its thread").isEmpty();
        assertThat(other.tryAcquire("contract-deferred")).as("still held during the deferred part").isEmpty();
        try (HeldLock theirs = other.acquire("contract-deferred", LONG)) {
            assertThat(theirs.acquiredAt()).isAfterOrEqualTo(notBefore);
            assertThat(lock.isHeld()).isFalse();
        }
    }

    @Test
    void aNestedHoldAtLeastDefersTheOutermostRelease() throws Exception {
        LockRegistry other = newRegistry();
        HeldLock outer = registry.acquire("contract-nested-deferred", LONG);
        HeldLock inner = registry.acquire("contract-nested-deferred", LONG);
        inner.release(Duration.ofSeconds(1));
        assertThat(inner.isHeld()).isFalse();
        outer.release();
        Instant notBefore = outer.acquiredAt().plus(Duration.ofSeconds(1));
        try (HeldLock theirs = other.acquire("contract-nested-deferred", LONG)) {
            assertThat(theirs.acquiredAt()).isAfterOrEqualTo(notBefore);
        }
    }

    @Test
    void sameThreadReentersAndOnlyTheOutermostReleaseReleases() throws Exception {
        LockRegistry other = newRegistry();
        HeldLock outer = registry.acquire("contract-reentrant", LONG);
        HeldLock inner = registry.acquire("contract-reentrant", Duration.ZERO);
        assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());
        inner.release();
        assertThat(inner.isHeld()).isFalse();
        assertThat(outer.isHeld()).isTrue();
        assertThat(other.tryAcquire("contract-reentrant")).as("still held after the nested release").isEmpty();
        outer.release();
        try (HeldLock theirs = other.acquire("contract-reentrant", LONG)) {
            assertThat(theirs.isHeld()).isTrue();
        }
    }

    @Test
    void releasesFromAnotherThread() throws Exception {
        LockRegistry other = newRegistry();
        HeldLock lock = registry.acquire("contract-cross-thread", LONG);
        inOtherThread(() -> {
            lock.release();
            return null;
        });
        assertThat(lock.isHeld()).isFalse();
        try (HeldLock theirs = other.acquire("contract-cross-thread", LONG)) {
            assertThat(theirs.isHeld()).isTrue();
        }
    }

    @Test
    void releaseIsIdempotentAndNeverReleasesTheNextHolder() throws Exception {
        LockRegistry other = newRegistry();
        LockRegistry third = newRegistry();
        HeldLock mine = registry.acquire("contract-idempotent", LONG);
        mine.release();
        try (HeldLock theirs = other.acquire("contract-idempotent", LONG)) {
            mine.release();
            mine.close();
            assertThat(theirs.isHeld()).isTrue();
            assertThat(third.tryAcquire("contract-idempotent")).as("a second release freed someone else's lock")
                    .isEmpty();
        }
    }

    @Test
    void cancellingAnAsyncAcquisitionNeverLeavesTheLockHeld() throws Exception {
        LockRegistry other = newRegistry();
        HeldLock holder = other.acquire("contract-cancel", LONG);
        CompletableFuture<HeldLock> pending = registry.acquireAsync("contract-cancel", LONG);
        await().atMost(LONG).until(() -> registry.locks().stream().anyMatch(info -> info.name().equals("contract-cancel")));
        assertThat(pending.cancel(true)).isTrue();
        holder.release();
        LockRegistry third = newRegistry();
        try (HeldLock lock = third.acquire("contract-cancel", LONG)) {
            assertThat(lock.isHeld()).isTrue();
        }
        await().atMost(LONG).until(() -> registry.locks().isEmpty());
    }

    @Test
    void tenThousandAsyncWaitersOnOneHeldNameTakeNoThreadEach() throws Exception {
        LockRegistry other = newRegistry();
        HeldLock holder = other.acquire("contract-many", LONG);
        BlockingPoolThreads pool = BlockingPoolThreads.snapshot();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        List<CompletableFuture<HeldLock>> waiters = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            waiters.add(registry.acquireAsync("contract-many", LONG));
        }
        await().atMost(LONG).until(() -> registry.locks().stream()
                .anyMatch(info -> info.name().equals("contract-many") && info.localWaiters() == 9_999));
        int added = ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore;
        assertThat(added).as("threads added by 10,000 waiting acquisitions").isLessThanOrEqualTo(32);
        assertBlockingPoolUnused(pool);
        checkWhileAsyncWaitersWait();
        waiters.forEach(waiter -> waiter.cancel(true));
        holder.release();
        try (HeldLock lock = newRegistry().acquire("contract-many", LONG)) {
            assertThat(lock.isHeld()).isTrue();
        }
        await().atMost(LONG).until(() -> registry.locks().isEmpty());
        assertThat(waiters).allMatch(CompletableFuture::isCancelled);
    }

    @Test
    void asyncWaitersOnManyHeldNamesTakeNoThreadEach() throws Exception {
        LockRegistry other = newRegistry();
        int names = manyNames();
        List<HeldLock> holders = new ArrayList<>();
        for (int n = 0; n < names; n++) {
            holders.add(other.acquire("contract-names-" + n, LONG));
        }
        BlockingPoolThreads pool = BlockingPoolThreads.snapshot();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        List<CompletableFuture<HeldLock>> waiters = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            waiters.add(registry.acquireAsync("contract-names-" + (i % names), LONG));
        }
        await().atMost(LONG).until(() -> registry.locks().size() == names);
        int added = ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore;
        assertThat(added).as("threads added by 10,000 acquisitions waiting on " + names + " names")
                .isLessThanOrEqualTo(32);
        assertBlockingPoolUnused(pool);
        checkWhileAsyncWaitersWait();
        waiters.forEach(waiter -> waiter.cancel(true));
        holders.forEach(HeldLock::release);
        await().atMost(LONG).until(() -> registry.locks().isEmpty());
        try (HeldLock lock = newRegistry().acquire("contract-names-0", LONG)) {
            assertThat(lock.isHeld()).isTrue();
        }
    }

    /** Checks more of a backend while 10,000 asynchronous acquisitions wait; nothing by default. */
    protected void checkWhileAsyncWaitersWait() {
    }

    /** @return how many held names {@link #asyncWaitersOnManyHeldNamesTakeNoThreadEach()} waits on */
    protected int manyNames() {
        return 1_000;
    }

    @Test
    void blockedAndAsyncWaitersOfANameAcquireInArrivalOrder() throws Exception {
        LockRegistry other = newRegistry();
        HeldLock holder = other.acquire("contract-order", LONG);
        BlockingPoolThreads pool = BlockingPoolThreads.snapshot();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String label = "w" + i;
            int queuedBefore = i;
            if (i % 2 == 0) {
                done.add(registry.acquireAsync("contract-order", LONG).thenAccept(lock -> {
                    order.add(label);
                    lock.release();
                }));
            }
            else {
                done.add(executor.submit(() -> {
                    try (HeldLock lock = registry.acquire("contract-order", LONG)) {
                        order.add(label);
                    }
                }));
            }
            await().atMost(LONG).until(() -> registry.locks().stream()
                    .anyMatch(info -> info.name().equals("contract-order") && info.localWaiters() == queuedBefore));
        }
        assertBlockingPoolUnused(pool);
        holder.release();
        for (Future<?> future : done) {
            future.get(30, TimeUnit.SECONDS);
        }
        assertThat(order).containsExactly("w0", "w1", "w2", "w3", "w4", "w5");
    }

    @Test
    void anAsyncWaiterTimesOutInTheQueueAndLeavesNothingBehind() throws Exception {
        LockRegistry other = newRegistry();
        HeldLock holder = other.acquire("contract-async-timeout", LONG);
        BlockingPoolThreads pool = BlockingPoolThreads.snapshot();
        CompletableFuture<HeldLock> head = registry.acquireAsync("contract-async-timeout", LONG);
        CompletableFuture<HeldLock> queued = registry.acquireAsync("contract-async-timeout", Duration.ofMillis(200));
        assertThatThrownBy(() -> queued.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(LockTimeoutException.class);
        assertBlockingPoolUnused(pool);
        head.cancel(true);
        holder.release();
        await().atMost(LONG).until(() -> registry.locks().isEmpty());
        try (HeldLock lock = newRegistry().acquire("contract-async-timeout", LONG)) {
            assertThat(lock.isHeld()).isTrue();
        }
    }

    @Test
    void asyncAcquisitionCompletesWhenTheLockIsFree() throws Exception {
        HeldLock lock = registry.acquireAsync("contract-async", LONG).get(30, TimeUnit.SECONDS);
        assertThat(lock.isHeld()).isTrue();
        lock.release();
    }

    @Test
    void interruptingAWaiterStopsItsWaitAndLeavesNothingHeld() throws Exception {
        LockRegistry other = newRegistry();
        HeldLock holder = other.acquire("contract-interrupt", LONG);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                registry.acquire("contract-interrupt", LONG).release();
            }
            catch (Throwable ex) {
                failure.set(ex);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        waiter.start();
        await().atMost(LONG).until(() -> !registry.locks().isEmpty());
        waiter.interrupt();
        waiter.join(LONG.toMillis());
        assertThat(waiter.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(LockInterruptedException.class);
        assertThat(stillInterrupted.get()).isTrue();
        holder.release();
        try (HeldLock lock = newRegistry().acquire("contract-interrupt", LONG)) {
            assertThat(lock.isHeld()).isTrue();
        }
    }

    @Test
    void reportsALostLockOnceToTheHandleAndTheRegistry() throws Exception {
        AtomicInteger registryCalls = new AtomicInteger();
        AtomicInteger handleCalls = new AtomicInteger();
        registry.addLockLostListener(loss -> registryCalls.incrementAndGet());
        HeldLock lock = registry.acquire("contract-lost", LONG);
        lock.onLost(loss -> {
            assertThat(loss.name()).isEqualTo("contract-lost");
            assertThat(loss.fencingToken()).isEqualTo(lock.fencingToken());
            handleCalls.incrementAndGet();
        });
        induceLoss(registry, lock);
        await().atMost(lossDetectionTime()).until(() -> handleCalls.get() == 1 && registryCalls.get() == 1);
        assertThat(lock.isHeld()).isFalse();
        AtomicInteger late = new AtomicInteger();
        lock.onLost(loss -> late.incrementAndGet());
        assertThat(late).as("a listener added after the loss runs at once").hasValue(1);
        lock.release();
        assertThat(handleCalls).hasValue(1);
        assertThat(registryCalls).hasValue(1);
    }

    @Test
    void locksListsHeldAndAwaitedLocks() throws Exception {
        LockRegistry other = newRegistry();
        try (HeldLock lock = registry.acquire("contract-info", LONG)) {
            assertThat(registry.locks()).singleElement().satisfies(info -> {
                assertThat(info.name()).isEqualTo("contract-info");
                assertThat(info.state()).isEqualTo(LockInfo.State.HELD);
                assertThat(info.fencingToken()).hasValue(lock.fencingToken());
                assertThat(info.backend()).isEqualTo(registry.backendType());
            });
            Future<?> waiting = executor.submit(() -> other.acquire("contract-info", LONG).release());
            await().atMost(LONG).until(() -> other.locks().stream()
                    .anyMatch(info -> info.state() == LockInfo.State.WAITING));
            assertThat(waiting.isDone()).isFalse();
        }
        await().atMost(LONG).until(() -> other.locks().isEmpty() && registry.locks().isEmpty());
    }

    @Test
    void closingWaitsForAHolderOfAnotherThreadAndNeverReleasesFromUnderIt() throws Exception {
        LockRegistry other = newRegistry();
        CountDownLatch done = new CountDownLatch(1);
        CompletableFuture<HeldLock> holding = new CompletableFuture<>();
        executor.submit(() -> {
            try (HeldLock lock = registry.acquire("contract-close", LONG)) {
                holding.complete(lock);
                done.await();
            }
            return null;
        });
        HeldLock lock = holding.get(30, TimeUnit.SECONDS);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(registry::close);

        await().during(Duration.ofMillis(500)).atMost(LONG).until(() -> !closing.isDone() && lock.isHeld());
        assertThat(other.tryAcquire("contract-close")).as("released from under its running holder").isEmpty();
        assertThatThrownBy(() -> registry.acquire("contract-close-new", LONG)).isInstanceOf(SlocketException.class)
                .hasMessageContaining("registry").hasMessageContaining("is closing");

        done.countDown();
        closing.get(30, TimeUnit.SECONDS);
        assertThat(lock.isHeld()).isFalse();
        try (HeldLock theirs = other.acquire("contract-close", LONG)) {
            assertThat(theirs.isHeld()).isTrue();
        }
    }

    @Test
    void closingFromTheHoldersOwnThreadLeavesItsLockHeldUntilItIsReleased() throws Exception {
        LockRegistry other = newRegistry();
        HeldLock lock = registry.acquire("contract-close-own", LONG);
        registry.close();
        assertThat(lock.isHeld()).isTrue();
        assertThat(other.tryAcquire("contract-close-own")).as("released from under its running holder").isEmpty();
        lock.release();
        try (HeldLock theirs = other.acquire("contract-close-own", LONG)) {
            assertThat(theirs.isHeld()).isTrue();
        }
    }

    @Test
    void closingWithdrawsEveryWaiterAtOnceAndNoneEndsUpHolding() throws Exception {
        LockRegistry other = newRegistry();
        HeldLock remote = other.acquire("contract-withdraw-remote", LONG);
        HeldLock remoteForAsync = other.acquire("contract-withdraw-async", LONG);
        HeldLock mine = registry.acquire("contract-withdraw-local", LONG);
        Future<HeldLock> takingOver = executor.submit(() -> other.acquire("contract-withdraw-local", LONG));
        await().atMost(LONG).until(() -> !other.locks().isEmpty() && other.locks().stream()
                .anyMatch(info -> info.name().equals("contract-withdraw-local")));
        mine.release();
        HeldLock handedOver = takingOver.get(30, TimeUnit.SECONDS);
        Future<HeldLock> blocked = executor.submit(() -> registry.acquire("contract-withdraw-remote", LONG));
        Future<HeldLock> blockedHere = executor.submit(() -> registry.acquire("contract-withdraw-local", LONG));
        CompletableFuture<HeldLock> async = registry.acquireAsync("contract-withdraw-remote", LONG);
        CompletableFuture<HeldLock> asyncAtTheBackend = registry.acquireAsync("contract-withdraw-async", LONG);
        await().atMost(LONG).until(() -> registry.locks().stream()
                .filter(info -> info.state() == LockInfo.State.WAITING).count() == 3);

        long start = System.nanoTime();
        registry.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("withdrawn at once").isLessThan(LONG);
        for (Future<HeldLock> waiter : List.of(blocked, blockedHere, async, asyncAtTheBackend)) {
            assertThatThrownBy(() -> waiter.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(SlocketException.class)
                    .hasMessageContaining("is closing");
        }
        assertThat(registry.locks()).isEmpty();
        assertThatThrownBy(() -> registry.tryAcquire("contract-withdraw-remote")).isInstanceOf(SlocketException.class)
                .hasMessageContaining("is closing");
        assertThatThrownBy(() -> registry.acquireAsync("contract-withdraw-remote", LONG).get(30, TimeUnit.SECONDS))
                .cause().isInstanceOf(SlocketException.class).hasMessageContaining("is closing");

        remote.release();
        remoteForAsync.release();
        handedOver.release();
        LockRegistry third = newRegistry();
        try (HeldLock a = third.acquire("contract-withdraw-remote", LONG);
                HeldLock b = third.acquire("contract-withdraw-local", LONG);
                HeldLock c = third.acquire("contract-withdraw-async", LONG)) {
            assertThat(a.isHeld() && b.isHeld() && c.isHeld()).as("a withdrawn waiter still holds").isTrue();
        }
    }

    @Test
    void rejectsInvalidNamesWithoutTouchingAnything() {
        assertThatThrownBy(() -> registry.acquire("", LONG)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> registry.acquire("a\u0000b", LONG)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control");
        assertThatThrownBy(() -> registry.acquire("x".repeat(256), LONG))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("255");
        assertThatThrownBy(() -> registry.acquire("a\uD800", LONG)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogates");
        assertThatThrownBy(() -> registry.acquire(null, LONG)).isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.locks()).isEmpty();
    }

    @Test
    void oddButValidNamesWork() throws Exception {
        LockRegistry other = newRegistry();
        for (String name : List.of(".", "..", "../escape", "a/b", "ä ö €", "%2E", "x".repeat(255))) {
            try (HeldLock lock = registry.acquire(name, LONG)) {
                assertThat(other.tryAcquire(name)).as(name).isEmpty();
            }
        }
    }

    @Test
    void manyThreadsInTwoRegistriesNeverOverlap() throws Exception {
        LockRegistry other = newRegistry();
        int threads = 8;
        int rounds = fuzzRounds();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[] counter = new int[1];
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            LockRegistry which = (t % 2 == 0) ? registry : other;
            futures.add(executor.submit(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    try (HeldLock lock = which.acquire("contract-fuzz", LONG)) {
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        counter[0]++;
                        inside.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : futures) {
            future.get(120, TimeUnit.SECONDS);
        }
        assertThat(overlaps).hasValue(0);
        assertThat(counter[0]).isEqualTo(threads * rounds);
    }

    /**
     * DESIGN §4: waiting never pins a virtual thread's carrier. Twice as many virtual threads
     * as carriers, in two registries, wait for one lock and get it in turn; the flight recorder sees
     * none of them block while pinned. Virtual threads need JDK 21 (.ci/run runs the suite on the
     * newest JDK as well as on 17); a first round loads the classes, whose initialisation may pin.
     */
    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void virtualThreadsWaitWithoutPinningTheirCarriers() throws Exception {
        LockRegistry other = newRegistry();
        try (VirtualThreads warmUp = VirtualThreads.start()) {
            takeTurns(warmUp, other, 2);
        }
        try (VirtualThreads threads = VirtualThreads.start()) {
            takeTurns(threads, other, 2 * Runtime.getRuntime().availableProcessors());
            assertThat(threads.pinnedStacks()).as("virtual threads that blocked pinned to their carrier").isEmpty();
        }
    }

    /** {@code waiters} threads wait for a held lock, then take it in turn. */
    private void takeTurns(VirtualThreads threads, LockRegistry other, int waiters) throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        try (HeldLock held = registry.acquire("contract-virtual", LONG)) {
            for (int i = 0; i < waiters; i++) {
                LockRegistry which = (i % 2 == 0) ? registry : other;
                futures.add(threads.submit(() -> {
                    try (HeldLock lock = which.acquire("contract-virtual", LONG)) {
                        overlaps.addAndGet(inside.incrementAndGet() - 1);
                        inside.decrementAndGet();
                    }
                    return null;
                }));
            }
            await().atMost(LONG).until(() -> waiting(registry) + waiting(other) == waiters);
        }
        for (Future<?> future : futures) {
            future.get(LONG.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(overlaps).hasValue(0);
    }

    /** @return how many threads of {@code registry} wait for the lock of the virtual-thread test */
    private static int waiting(LockRegistry registry) {
        return registry.locks().stream().filter(info -> info.name().equals("contract-virtual"))
                .mapToInt(info -> info.localWaiters() + (info.state() == LockInfo.State.WAITING ? 1 : 0)).sum();
    }

    /** @return iterations per thread of the fuzz test; slow backends may lower it */
    protected int fuzzRounds() {
        return 200;
    }
}
