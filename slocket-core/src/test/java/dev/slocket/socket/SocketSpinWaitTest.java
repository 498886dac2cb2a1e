package dev.slocket.socket;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.testing.ChildJvm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * spin that missed the next waiter blocks at once ({@link SpinWait}); seen from the waiting thread's
 * CPU time. Two backends on one lock directory stand for two processes (and once a child JVM holds):
 * one holds through its own arbiter or as a grantee of the other's, the other waits on a connection
 * or in its arbiter's queue.
 */
class SocketSpinWaitTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final Duration SPIN = Duration.ofMillis(10);

    /** Longer than the spin: a waiter that did not stop spinning would burn most of it. */
    private static final Duration HOLD = Duration.ofMillis(80);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @TempDir
    Path root;

    private SocketTestSupport support;

    private final List<SocketLockBackend> backends = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        support = new SocketTestSupport(root);
        // loads and compiles the paths, so that the waits measured below cost CPU only by spinning
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
        assertThat(spun).as("CPU of a wait that spun %s", SPIN).isBetween(millis(3), millis(40));
        long next = waitBehind(holder, waiter, "connection", HOLD);
        assertThat(next).as("CPU of the wait after a missed spin").isLessThan(millis(3));
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
        assertThat(spun).as("CPU of a wait for another process that spun %s", SPIN).isBetween(millis(3), millis(40));
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
        assertThat(spun).as("CPU of a wait in the arbiter's queue that spun %s", SPIN).isBetween(millis(3), millis(40));
    }

    @Test
    void aZeroSpinWaitNeverSpins() throws Exception {
        SocketLockBackend holder = backend(Duration.ZERO);
        SocketLockBackend waiter = backend(Duration.ZERO);
        assertThat(waitBehind(holder, waiter, "never", HOLD)).isLessThan(millis(3));
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
     * @return the CPU time of the waiting thread's acquisition
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
     * @return the CPU time of the waiting thread's acquisition
     */
    private static long waitFor(SocketLockBackend waiter, String name, Releaser release) throws Exception {
        CompletableFuture<Long> cpu = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                long before = THREADS.getCurrentThreadCpuTime();
                BackendLock lock = waiter.acquire(name, Deadline.after(WAIT), reason -> { });
                long spent = THREADS.getCurrentThreadCpuTime() - before;
                lock.release();
                cpu.complete(spent);
            }
            catch (Throwable ex) {
                cpu.completeExceptionally(ex);
            }
        });
        thread.start();
        release.run(thread);
        return cpu.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static long millis(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Releases the lock a waiter waits for, once it waits. */
    private interface Releaser {
        void run(Thread waiting) throws Exception;
    }
}
