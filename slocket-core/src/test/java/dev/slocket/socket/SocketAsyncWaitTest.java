package dev.slocket.socket;

import dev.slocket.HeldLock;
import dev.slocket.LockBackendException;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.testing.BlockingPoolThreads;
import dev.slocket.testing.ChildJvm;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Asynchronous acquisitions of the socket backend against locks of other processes: they wait
 * without a thread each, keep their place in the arbiter's queue for the whole wait, leave nothing
 * behind when cancelled or timed out, and survive a SIGKILLed holder (SL-15, SL-30, SL-37).
 */
class SocketAsyncWaitTest extends SocketProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void tenThousandWaitersOnAThousandNamesOfAnotherProcessAddFewThreads() throws Exception {
        ChildJvm holder = support.child(StaleSocketPolicy.RECLAIM, "far", "names", "1000");
        holder.awaitLine("HELD 1000", WAIT);
        LockRegistry registry = support.registry();
        registry.acquireAsync("warm-up", WAIT).get(30, TimeUnit.SECONDS).release();
        BlockingPoolThreads pool = BlockingPoolThreads.snapshot();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        List<CompletableFuture<HeldLock>> waiters = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            waiters.add(registry.acquireAsync("far-" + (i % 1_000), WAIT));
        }
        // every name's first waiter is connected to the other process's arbiter
        await().atMost(WAIT).until(() -> support.connectionsIntoLockDir() == 1_000);
        int added = ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore;
        assertThat(added).as("threads added by 10,000 acquisitions waiting on 1,000 names").isLessThanOrEqualTo(32);
        assertThat(pool.usedSinceSnapshot()).as("threads of the blocking fallback pool").isEmpty();
        SocketLockRegistryTest.assertNoThreadBlockedInAcquire();

        support.signal("release-7");
        HeldLock first = waiters.get(7).get(30, TimeUnit.SECONDS);
        assertThat(first.isHeld()).isTrue();
        first.release();
        cancelOrRelease(waiters);
        await().atMost(WAIT).until(() -> registry.locks().isEmpty());
        support.signal("release-999");
        holder.awaitLine("RELEASED 999", WAIT);
        try (HeldLock lock = support.registry().acquire("far-999", Duration.ofSeconds(10))) {
            assertThat(lock.isHeld()).as("a withdrawn waiter still holds").isTrue();
        }
    }

    /** Ends every waiter: cancels it, or releases what it got before. */
    private static void cancelOrRelease(List<CompletableFuture<HeldLock>> waiters) {
        for (CompletableFuture<HeldLock> waiter : waiters) {
            if (!waiter.cancel(true) && !waiter.isCompletedExceptionally()) {
                waiter.join().release();
            }
        }
    }

    @Test
    void anAsyncWaiterKeepsItsPlaceAheadOfALaterProcessLongerThanTheOldTwoSecondSlices() throws Exception {
        int names = 20;
        ChildJvm holder = support.child(StaleSocketPolicy.RECLAIM, "place", "names", Integer.toString(names));
        holder.awaitLine("HELD " + names, WAIT);
        LockRegistry registry = support.registry();
        List<CompletableFuture<HeldLock>> waiters = new ArrayList<>();
        for (int i = 0; i < names; i++) {
            waiters.add(registry.acquireAsync("place-" + i, WAIT));
        }
        await().atMost(WAIT).until(() -> registry.locks().size() == names
                && SocketTestSupport.connectionsTo(support.socket("place-0")) == 1);
        ChildJvm later = support.child(StaleSocketPolicy.RECLAIM, "place-0", "once", "later", "0");
        await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(support.socket("place-0")) == 2);
        // the scenario: wait longer than the slices in which a pool thread used to wait before reconnecting
        TimeUnit.MILLISECONDS.sleep(2_500);

        support.signal("release-0");
        HeldLock mine = waiters.get(0).get(30, TimeUnit.SECONDS);
        assertThat(later.output()).as("the later process acquired first").doesNotContain("ACQUIRED");
        long myToken = mine.fencingToken();
        mine.release();
        later.awaitLine("ACQUIRED later", WAIT);
        String acquired = later.lines().stream().filter(line -> line.startsWith("ACQUIRED")).findFirst().orElseThrow();
        assertThat(Long.parseLong(acquired.split(" ")[2])).isGreaterThan(myToken);
        cancelOrRelease(waiters);
    }

    @Test
    void cancelledAndTimedOutWaitersLeaveTheQueueAndTheArbiterHandsOnToTheNext() throws Exception {
        ChildJvm holder = support.child(StaleSocketPolicy.RECLAIM, "withdrawn", "hold", "h", "no");
        holder.awaitLine("HELD h", START);
        Path socket = support.socket("withdrawn");
        CompletableFuture<HeldLock> cancelled = support.registry().acquireAsync("withdrawn", WAIT);
        await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(socket) == 1);
        CompletableFuture<HeldLock> timingOut = support.registry().acquireAsync("withdrawn", Duration.ofSeconds(2));
        await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(socket) == 2);
        CompletableFuture<HeldLock> next = support.registry().acquireAsync("withdrawn", WAIT);
        // a connection stays in the holder's backlog even once closed: these count connects, in order
        await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(socket) == 3);
        long socketsBefore = SocketTestSupport.openSocketsOfThisJvm();
        int withdrawn = timingOut.isDone() ? 1 : 2;

        assertThat(cancelled.cancel(true)).isTrue();
        assertThatThrownBy(() -> timingOut.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(LockTimeoutException.class);
        await("the withdrawn waiters' connections are closed").atMost(WAIT)
                .until(() -> SocketTestSupport.openSocketsOfThisJvm() <= socketsBefore - withdrawn);
        support.signal("release-h");
        holder.awaitLine("RELEASED h", WAIT);
        HeldLock lock = next.get(30, TimeUnit.SECONDS);
        assertThat(lock.isHeld()).isTrue();
        lock.release();
        try (HeldLock again = support.registry().acquire("withdrawn", Duration.ofSeconds(5))) {
            assertThat(again.isHeld()).as("a withdrawn waiter still holds").isTrue();
        }
    }

    @Test
    void waitersQueuedAtTheirOwnArbiterAreWithdrawnByCancelAndDeadline() throws Exception {
        SocketLockBackend backend = new SocketLockBackend(SocketLockOptions.defaults(support.lockDir()));
        try {
            BackendLock held = backend.acquire("own", Deadline.never(), reason -> { });
            CompletableFuture<BackendLock> cancelled = backend.acquireAsync("own", Deadline.never(), reason -> { });
            CompletableFuture<BackendLock> timingOut = backend.acquireAsync("own",
                    Deadline.after(Duration.ofMillis(300)), reason -> { });
            CompletableFuture<HeldLock> next = support.registry().acquireAsync("own", WAIT);
            await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(support.socket("own")) == 1);
            assertThat(cancelled.cancel(true)).isTrue();
            assertThat(timingOut.get(30, TimeUnit.SECONDS)).as("timed out").isNull();
            held.release();
            HeldLock lock = next.get(30, TimeUnit.SECONDS);
            assertThat(lock.isHeld()).isTrue();
            lock.release();
        }
        finally {
            backend.close();
        }
    }

    @Test
    void closingTheBackendWithdrawsItsWaitersAndLeavesNothingHeld() throws Exception {
        LockRegistry holder = support.registry();
        HeldLock held = holder.acquire("closing", WAIT);
        SocketLockBackend backend = new SocketLockBackend(SocketLockOptions.defaults(support.lockDir()));
        CompletableFuture<BackendLock> waiting = backend.acquireAsync("closing", Deadline.never(), reason -> { });
        await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(support.socket("closing")) == 1);
        backend.close();
        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(LockBackendException.class)
                .hasMessageContaining("closed");
        CompletableFuture<HeldLock> next = support.registry().acquireAsync("closing", WAIT);
        held.release();
        HeldLock lock = next.get(30, TimeUnit.SECONDS);
        assertThat(lock.isHeld()).isTrue();
        lock.release();
    }

    @Test
    void whenTheHolderIsKilledOneOfTheAsyncWaitersTakesTheLock() throws Exception {
        ChildJvm holder = support.child(StaleSocketPolicy.RECLAIM, "killed", "hold", "h", "no");
        holder.awaitLine("HELD h", START);
        List<CompletableFuture<HeldLock>> waiters = new ArrayList<>();
        for (LockRegistry registry : List.of(support.registry(), support.registry())) {
            for (int i = 0; i < 3; i++) {
                waiters.add(registry.acquireAsync("killed", WAIT));
            }
        }
        await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(support.socket("killed")) == 2);
        holder.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> waiters.stream().anyMatch(CompletableFuture::isDone));
        List<CompletableFuture<HeldLock>> done = waiters.stream().filter(CompletableFuture::isDone).toList();
        assertThat(done).as("one holder at a time").hasSize(1);
        HeldLock first = done.get(0).get();
        assertThat(first.isHeld()).isTrue();
        first.release();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> waiters.stream().filter(CompletableFuture::isDone).count() == 2);
        HeldLock second = waiters.stream().filter(waiter -> waiter.isDone() && waiter != done.get(0)).findFirst()
                .orElseThrow().get();
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        second.release();
        cancelOrRelease(waiters);
    }
}
