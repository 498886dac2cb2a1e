package dev.slocket.socket;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.testing.ChildJvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

/**
 * A waiting acquisition busy-waits at most {@code spinWait} for its grant, then blocks, and after a
 * spin that missed the next waiter blocks at once ({@link SpinWait}); seen in the time the waiting
 * backend spun ({@link SocketLockBackend#spunNanos()}), not in CPU time, which a host that takes a
 * CPU away from this machine would make vary. Two backends on one lock directory stand for two
 * processes (and once a child JVM holds):
 * one holds through its own arbiter or as a grantee of the other's, the other waits on a connection
 * or in its arbiter's queue.
 */
class SocketSpinWaitTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final Duration SPIN = Duration.ofMillis(10);

    /** Longer than the spin: a waiter that did not stop spinning would spin through most of it. */
    private static final Duration HOLD = Duration.ofMillis(80);

    @TempDir
    Path root;

    private SocketTestSupport support;

    private final List<SocketLockBackend> backends = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        support = new SocketTestSupport(root);
        // loads the paths, so that a spin measured below starts as soon as its waiter has connected
        SocketLockBackend holder = backend(Duration.ZERO);
        SocketLockBackend waiter = backend(Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            waitBehind(holder, waiter, "warm-up", Duration.ofMillis(5));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        backends.forEach(SocketLockBackend::close);
        support.close();
    }

    @Test
    void aWaiterOnAConnectionSpinsAtMostSpinWaitThenBlocksAndTheNextBlocksAtOnce() throws Exception {
        SocketLockBackend holder = backend(SPIN);
        SocketLockBackend waiter = backend(SPIN);
        long spun = waitBehind(holder, waiter, "connection", HOLD);
        assertThat(spun).as("time a wait spun with %s", SPIN).isBetween(SPIN.toNanos(), millis(40));
        long next = waitBehind(holder, waiter, "connection", HOLD);
        assertThat(next).as("time the wait after a missed spin spun").isZero();
    }

    @Test
    void aWaiterSpinsForTheGrantOfAHolderInAnotherProcessThenBlocks() throws Exception {
        ChildJvm holder = support.child(StaleSocketPolicy.RECLAIM, "child", "hold", "h", "no");
        holder.awaitLine("HELD h", WAIT);
        SocketLockBackend waiter = backend(SPIN);
        Path socket = support.lockDir().resolve("child.sock");
        long spun = waitFor(waiter, "child", waiting -> {
            await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(socket) > 0);
            holdFor(HOLD);
            support.signal("release-h");
        });
        assertThat(spun).as("time a wait for another process spun with %s", SPIN).isBetween(SPIN.toNanos(),
                millis(40));
        holder.awaitLine("RELEASED h", WAIT);
    }

    /** Its process's place, kept when it handed over, has expired: the waiter must not queue behind it. */
    @Test
    void aWaiterInTheArbitersQueueSpinsForTheGranteeAheadOfIt() throws Exception {
        SocketLockBackend arbiter = new SocketLockBackend(SocketLockOptions.builder(support.lockDir())
                .spinWait(SPIN).build(), Duration.ofNanos(1));
        backends.add(arbiter);
        SocketLockBackend grantee = backend(SPIN);
        BackendLock own = arbiter.acquire("queue", Deadline.after(WAIT), reason -> { });
        CompletableFuture<BackendLock> granted = SocketTestSupport.acquireAsync(grantee, "queue", WAIT,
                command -> new Thread(command).start());
        Path socket = support.lockDir().resolve("queue.sock");
        await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(socket) > 0);
        own.release();
        BackendLock remote = granted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long spun = waitFor(arbiter, "queue", waiting -> {
            await().atMost(WAIT).until(() -> Arrays.stream(waiting.getStackTrace())
                    .anyMatch(frame -> frame.getClassName().equals(LocalWaiter.class.getName())));
            holdFor(HOLD);
            remote.release();
        });
        assertThat(spun).as("time a wait in the arbiter's queue spun with %s", SPIN).isBetween(SPIN.toNanos(),
                millis(40));
    }

    @Test
    void aZeroSpinWaitNeverSpins() throws Exception {
        SocketLockBackend holder = backend(Duration.ZERO);
        SocketLockBackend waiter = backend(Duration.ZERO);
        assertThat(waitBehind(holder, waiter, "never", HOLD)).isZero();
    }

    @Test
    void waitersBlockAtOnceByDefaultAndASpinWaitOutsideZeroToTenMillisIsRefusedByName() {
        assertThat(SocketLockOptions.defaults(support.lockDir()).spinWait()).isZero();
        assertThat(new SocketLockOptions(support.lockDir(), StaleSocketPolicy.RECLAIM, Duration.ofMillis(250),
                Duration.ofMillis(5), Duration.ofMillis(250), 511, "rwx------", "rw-------", true, HandoverMode.QUEUE,
                null).spinWait()).isZero();
        for (Duration wrong : new Duration[] { Duration.ofNanos(-1), Duration.ofMillis(10).plusNanos(1) }) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> SocketLockOptions.builder(support.lockDir()).spinWait(wrong).build())
                    .withMessageContaining("spinWait");
        }
        assertThatNullPointerException()
                .isThrownBy(() -> SocketLockOptions.builder(support.lockDir()).spinWait(null).build())
                .withMessageContaining("spinWait");
    }

    private SocketLockBackend backend(Duration spin) {
        SocketLockBackend backend = new SocketLockBackend(SocketLockOptions.builder(support.lockDir())
                .spinWait(spin).build());
        backends.add(backend);
        return backend;
    }

    /**
     * {@code holder} holds {@code name} until {@code waiter} has waited on a connection for
     * {@code hold}, then releases.
     *
     * @return how long the waiting thread's acquisition spun
     */
    private long waitBehind(SocketLockBackend holder, SocketLockBackend waiter, String name, Duration hold)
            throws Exception {
        BackendLock held = holder.acquire(name, Deadline.after(WAIT), reason -> { });
        Path socket = support.lockDir().resolve(name + ".sock");
        return waitFor(waiter, name, waiting -> {
            await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(socket) > 0);
            holdFor(hold);
            held.release();
        });
    }

    /** Holds on for {@code hold}, as a holder that works. */
    private static void holdFor(Duration hold) {
        await().pollDelay(hold).atMost(hold.plus(WAIT)).until(() -> true);
    }

    /**
     * Acquires {@code name} from {@code waiter} on a thread of its own while {@code release} runs here
     * (given that thread), then releases it.
     *
     * @return how long the waiting thread's acquisition spun
     */
    private static long waitFor(SocketLockBackend waiter, String name, Releaser release) throws Exception {
        long before = waiter.spunNanos();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                waiter.acquire(name, Deadline.after(WAIT), reason -> { }).release();
                done.complete(null);
            }
            catch (Throwable ex) {
                done.completeExceptionally(ex);
            }
        });
        thread.start();
        release.run(thread);
        done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return waiter.spunNanos() - before;
    }

    private static long millis(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Releases the lock a waiter waits for, once it waits. */
    private interface Releaser {
        void run(Thread waiting) throws Exception;
    }
}
