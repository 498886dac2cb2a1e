package dev.slocket.socket;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.testing.ChildJvm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WATCH (SL-40..SL-42): a waiter blocked by a regular file or by a refusing socket nobody owns
 * does not spin, never removes what it did not bind (SL-38, SL-39), and acquires within
 * {@code watchPollInterval + 100 ms} once the file is gone.
 */
class SocketWatchTest {

    private static final Duration BLOCKED = Duration.ofSeconds(2);

    private static final Duration PROMPT = Duration.ofMillis(350);

    @TempDir
    Path directory;

    @Test
    void aRegularFileBlocksWithoutSpinningAndIsNeverDeletedEvenUnderReclaim() throws Exception {
        SocketLockBackend backend = new SocketLockBackend(SocketLockOptions.defaults(directory));
        Path socket = backend.socketPath("plain-file");
        Files.writeString(socket, "not a socket");
        blockThenAcquireOnceRemoved(backend, "plain-file", socket);
    }

    @Test
    void aForeignRefusingSocketBlocksWithoutSpinningAndIsNeverDeletedUnderWait() throws Exception {
        SocketLockBackend backend = new SocketLockBackend(
                SocketLockOptions.builder(directory).staleSocketPolicy(StaleSocketPolicy.WAIT).build());
        Path socket = backend.socketPath("foreign");
        try (ServerSocketChannel foreign = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            foreign.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        blockThenAcquireOnceRemoved(backend, "foreign", socket);
    }

    @Test
    void aLocalWaiterBehindAGranteeOfAnotherProcessBlocksWithoutSpinningAndTakesOverOnRelease() throws Exception {
        try (SocketTestSupport support = new SocketTestSupport(directory)) {
            SocketLockBackend backend = new SocketLockBackend(SocketLockOptions.defaults(support.lockDir()));
            Path socket = backend.socketPath("behind-grantee");
            BackendLock first = backend.acquire("behind-grantee", Deadline.after(PROMPT), reason -> { });
            ChildJvm grantee = support.child(StaleSocketPolicy.RECLAIM, "behind-grantee", "hold", "g", "no");
            await().atMost(Duration.ofSeconds(30)).until(() -> SocketTestSupport.connectionsTo(socket) == 1);
            first.release();
            grantee.awaitLine("HELD g", Duration.ofSeconds(30));

            CompletableFuture<BackendLock> waiter = blockWithoutSpinning(backend, "behind-grantee");
            support.signal("release-g");
            BackendLock lock = waiter.get(10, TimeUnit.SECONDS);
            assertThat(lock).isInstanceOf(ServerHold.class);
            assertThat(lock.fencingToken()).isGreaterThan(first.fencingToken() + 1);
            lock.release();
            backend.close();
        }
    }

    private static void blockThenAcquireOnceRemoved(SocketLockBackend backend, String name, Path socket)
            throws Exception {
        FileState blocker = FileState.of(socket);
        CompletableFuture<BackendLock> waiter = blockWithoutSpinning(backend, name);
        assertThat(blocker.isStillAt(socket)).as("what blocks us is never deleted").isTrue();

        Files.delete(socket);
        long removedAt = System.nanoTime();
        BackendLock lock = waiter.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - removedAt)).isLessThan(PROMPT);
        assertThat(lock).isInstanceOf(ServerHold.class);
        lock.release();
    }

    /** Starts a waiter and checks that it stays blocked for {@link #BLOCKED} using at most 10 % of a core. */
    private static CompletableFuture<BackendLock> blockWithoutSpinning(SocketLockBackend backend, String name)
            throws InterruptedException {
        CompletableFuture<BackendLock> waiter = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                waiter.complete(backend.acquire(name, Deadline.after(Duration.ofSeconds(30)), reason -> { }));
            }
            catch (Throwable ex) {
                waiter.completeExceptionally(ex);
            }
        }, "watch-test-waiter");
        long cpuBefore = slocketCpuNanos(thread.getId());
        long wallBefore = System.nanoTime();
        thread.start();
        TimeUnit.MILLISECONDS.sleep(BLOCKED.toMillis());
        long cpu = slocketCpuNanos(thread.getId()) - cpuBefore;
        long wall = System.nanoTime() - wallBefore;
        assertThat(waiter).isNotDone();
        assertThat((double) cpu / wall).as("share of one core used while blocked").isLessThanOrEqualTo(0.10);
        return waiter;
    }

    /** CPU time of the waiting thread plus every backend thread (watch, arbiter, monitor). */
    private static long slocketCpuNanos(long waiterThread) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = Math.max(0, threads.getThreadCpuTime(waiterThread));
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("slocket-")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

}
