package dev.slocket.socket;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.testing.ChildJvm;

import java.nio.file.Files;
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
 * The socket backend between real processes: exclusion and token order (SL-50), crash recovery
 * (SL-37 a/b/c, SL-34, SL-28), graceful exits (SL-32, SL-35) and identical name mapping.
 */
class SocketCrossProcessTest extends SocketProcessTest {

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    @Test
    void fourProcessesOfTwoThreadsNeverOverlapAndTokensIncreaseInOrderOfEntry() throws Exception {
        List<ChildJvm> children = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            children.add(support.child(StaleSocketPolicy.RECLAIM, "pound", "contend", "2", "25"));
        }
        for (ChildJvm child : children) {
            try {
                child.awaitLine("DONE", Duration.ofSeconds(90));
            }
            catch (RuntimeException ex) {
                throw new AssertionError("child " + child.pid() + " failed:\n" + child.output(), ex);
            }
            assertThat(child.awaitExit(START)).as(child.output()).isZero();
        }
        List<String> journal = support.journal();
        assertThat(journal).hasSize(4 * 2 * 25);
        long last = 0;
        for (String line : journal) {
            long token = Long.parseLong(line.split(" ")[0]);
            assertThat(token).as("token order in %s", journal).isGreaterThan(last);
            last = token;
        }
        assertThat(journal.stream().map(line -> line.split(" ")[1].replaceAll("-t\\d$", "")).distinct()).hasSize(4);
    }

    @Test
    void killedServerHolderIsReclaimedWithinOneSecondByAWaiterAndByANewcomer() throws Exception {
        ChildJvm holder = support.child(StaleSocketPolicy.RECLAIM, "crash-a", "hold", "h", "no");
        holder.awaitLine("HELD h", START);
        LockRegistry waiterRegistry = support.registry();
        CompletableFuture<HeldLock> waiter = waiterRegistry.acquireAsync("crash-a", START);
        await().atMost(START).until(() -> SocketTestSupport.connectionsTo(support.socket("crash-a")) == 1);
        long killedAt = System.nanoTime();
        holder.kill();
        HeldLock lock = waiter.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(ONE_SECOND);
        lock.release();

        ChildJvm second = support.child(StaleSocketPolicy.RECLAIM, "crash-a", "hold", "h2", "no");
        second.awaitLine("HELD h2", START);
        second.kill();
        killedAt = System.nanoTime();
        try (HeldLock newcomer = support.registry().acquire("crash-a", Duration.ofSeconds(5))) {
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(ONE_SECOND);
        }
    }

    @Test
    void killedArbiterLeavesATombstoneThatKeepsOthersOutUntilItsGranteeReleases() throws Exception {
        ChildJvm[] arbiterAndGrantee = arbiterGrantingAnotherProcess("crash-b", "yes");
        ChildJvm grantee = arbiterAndGrantee[1];
        arbiterAndGrantee[0].kill();
        LockRegistry contender = support.registry();
        long start = System.nanoTime();
        assertThatThrownBy(() -> contender.acquire("crash-b", Duration.ofMillis(2200)))
                .isInstanceOf(LockTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(support.socket("crash-b")).as("the tombstone").exists();
        SocketLockBackend observer = new SocketLockBackend(SocketLockOptions.defaults(support.lockDir()));
        assertThat(observer.isLocked("crash-b")).as("held by the grantee of a dead arbiter").isTrue();
        CompletableFuture<HeldLock> waiter = contender.acquireAsync("crash-b", START);
        support.signal("release-g");
        grantee.awaitLine("RELEASED g", START);
        long releasedAt = System.nanoTime();
        HeldLock lock = waiter.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - releasedAt)).isLessThan(ONE_SECOND);
        lock.release();
        await().atMost(START).until(() -> !observer.isLocked("crash-b"));
        observer.close();
    }

    /**
     * @return a child that bound {@code name} and released it, so it is now the arbiter of the
     *         second child, which holds the lock through its grant (with the marker if {@code marker} is yes)
     */
    private ChildJvm[] arbiterGrantingAnotherProcess(String name, String marker) throws Exception {
        ChildJvm arbiter = support.child(StaleSocketPolicy.RECLAIM, name, "hold", "a", "no");
        arbiter.awaitLine("HELD a", START);
        ChildJvm grantee = support.child(StaleSocketPolicy.RECLAIM, name, "hold", "g", marker);
        await().atMost(START).until(() -> SocketTestSupport.connectionsTo(support.socket(name)) == 1);
        support.signal("release-a");
        grantee.awaitLine("HELD g", START);
        return new ChildJvm[] { arbiter, grantee };
    }

    @Test
    void killedArbiterAndKilledGranteeAreReclaimedWithinOneSecond() throws Exception {
        ChildJvm[] arbiterAndGrantee = arbiterGrantingAnotherProcess("crash-c", "no");
        arbiterAndGrantee[0].kill();
        arbiterAndGrantee[1].kill();
        long killedAt = System.nanoTime();
        try (HeldLock lock = support.registry().acquire("crash-c", Duration.ofSeconds(5))) {
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(ONE_SECOND);
        }
    }

    @Test
    void killedGranteeIsReplacedByTheNextWaiterOfALiveArbiter() throws Exception {
        LockRegistry arbiter = support.registry();
        HeldLock first = arbiter.acquire("grantee-dies", START);
        ChildJvm grantee = support.child(StaleSocketPolicy.RECLAIM, "grantee-dies", "hold", "g", "no");
        await().atMost(START).until(() -> SocketTestSupport.connectionsTo(support.socket("grantee-dies")) == 1);
        first.release();
        grantee.awaitLine("HELD g", START);
        CompletableFuture<HeldLock> waiter = support.registry().acquireAsync("grantee-dies", START);
        await().atMost(START).until(() -> SocketTestSupport.connectionsTo(support.socket("grantee-dies")) == 2);
        assertThat(waiter).isNotDone();
        long killedAt = System.nanoTime();
        grantee.kill();
        HeldLock lock = waiter.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).as("SL-36").isLessThan(ONE_SECOND);
        lock.release();
    }

    @Test
    void granteeOfADeadArbiterRemovesTheTombstoneBeforeReleaseReturns() throws Exception {
        ChildJvm arbiter = support.child(StaleSocketPolicy.RECLAIM, "tombstone", "hold", "a", "no");
        arbiter.awaitLine("HELD a", START);
        CompletableFuture<HeldLock> granted = support.registry().acquireAsync("tombstone", START);
        await().atMost(START).until(() -> SocketTestSupport.connectionsTo(support.socket("tombstone")) == 1);
        support.signal("release-a");
        HeldLock lock = granted.get(10, TimeUnit.SECONDS);
        arbiter.kill();
        assertThat(support.socket("tombstone")).exists();
        lock.release();
        assertThat(support.socket("tombstone")).as("SL-28: removed synchronously").doesNotExist();
    }

    @Test
    void sigtermOfTheHolderHandsTheLockAndTheQueueOverOneAtATime() throws Exception {
        ChildJvm holder = support.child(StaleSocketPolicy.RECLAIM, "graceful", "hold", "h", "no");
        holder.awaitLine("HELD h", START);
        List<ChildJvm> waiters = queueThreeWaiters("graceful");
        holder.terminate();
        // its shutdown waits for the holder, which finishes its work after the signal
        support.signal("release-h");
        assertThat(holder.awaitExit(START)).isNotZero();
        assertAllTookTheLockInTurn(waiters);
    }

    private List<ChildJvm> queueThreeWaiters(String name) throws Exception {
        List<ChildJvm> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(support.child(StaleSocketPolicy.RECLAIM, name, "once", "w" + i, "100"));
        }
        await().atMost(START).until(() -> SocketTestSupport.connectionsTo(support.socket(name)) == 3);
        return waiters;
    }

    private void assertAllTookTheLockInTurn(List<ChildJvm> waiters) throws Exception {
        for (ChildJvm waiter : waiters) {
            waiter.awaitLine("RELEASED", START);
            assertThat(waiter.awaitExit(START)).as(waiter.output()).isZero();
        }
        assertThat(support.journal()).as("one marker entry each, never two holders").hasSize(waiters.size());
    }

    @Test
    void arbiterThatReleasesAndExitsCleanlyHandsTheWaitersOver() throws Exception {
        ChildJvm holder = support.child(StaleSocketPolicy.RECLAIM, "clean-exit", "hold", "h", "no");
        holder.awaitLine("HELD h", START);
        List<ChildJvm> waiters = queueThreeWaiters("clean-exit");
        support.signal("release-h");
        holder.awaitLine("RELEASED h", START);
        support.signal("exit-h");
        assertThat(holder.awaitExit(START)).isZero();
        assertAllTookTheLockInTurn(waiters);
    }

    @Test
    void anotherProcessMapsALongNameToTheSameDigestFormPath() throws Exception {
        String name = "report/" + "ä".repeat(120);
        ChildJvm child = support.child(StaleSocketPolicy.RECLAIM, name, "path");
        child.awaitLine("PATH", START);
        Path mine = support.socket(name);
        assertThat(mine.getFileName().toString()).contains("~");
        assertThat(mine.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(107);
        assertThat(child.output()).contains("PATH " + mine);
        try (HeldLock lock = support.registry().acquire(name, Duration.ofSeconds(5))) {
            assertThat(Files.exists(mine)).isTrue();
        }
    }
}
