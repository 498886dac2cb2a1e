package dev.slocket.socket;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.testing.ChildJvm;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * First come, first served across processes at every hold time: a process that releases and
 * acquires again at once queues behind the waiters already there, in the backlog or connected, and
 * behind a process that loops on the lock too. Raw protocol clients stand for other processes here
 * (an npm {@code slocket} waiter looks the same to the arbiter); real child JVMs loop in the last
 * tests.
 */
class SocketFairnessTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final int ROUNDS = 2_000;

    @TempDir
    Path root;

    private SocketTestSupport support;

    private final ExecutorService executor = Executors.newCachedThreadPool();

    private final List<SocketLockBackend> backends = new ArrayList<>();

    private final List<SocketChannel> clients = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        support = new SocketTestSupport(root);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (SocketChannel client : clients) {
            client.close();
        }
        executor.shutdownNow();
        backends.forEach(SocketLockBackend::close);
        support.close();
    }

    /** A backend whose kept places last {@code keptPlace}, so no test depends on the scheduler. */
    private SocketLockBackend backend(Duration keptPlace) {
        SocketLockBackend backend = new SocketLockBackend(SocketLockOptions.defaults(support.lockDir()), keptPlace);
        backends.add(backend);
        return backend;
    }

    private CompletableFuture<BackendLock> acquireAsync(SocketLockBackend backend, String name) {
        return SocketTestSupport.acquireAsync(backend, name, WAIT, executor);
    }

    /** Acquires on a thread of its own and returns once that thread waits in the arbiter's queue. */
    private CompletableFuture<BackendLock> acquireQueuedHere(SocketLockBackend backend, String name) {
        CompletableFuture<BackendLock> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(backend.acquire(name, Deadline.after(WAIT), reason -> { }));
            }
            catch (Throwable ex) {
                result.completeExceptionally(ex);
            }
        });
        thread.start();
        await().atMost(WAIT).until(() -> result.isDone() || Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(LocalWaiter.class.getName())));
        return result;
    }

    /**
     * A waiter without a thread ({@code acquireAsync}) next in line behind another process's grantee
     * cannot watch that grantee itself, as a waiting thread does: the arbiter's loop must, or the
     * grantee's release would go unnoticed.
     */
    @Test
    void anAsyncWaiterAtItsOwnArbiterTakesTheLockWhenAGranteeOfAnotherProcessReleases() throws Exception {
        SocketLockBackend backend = backend(Duration.ZERO);
        Path socket = backend.socketPath("behind");
        BackendLock first = backend.acquire("behind", Deadline.never(), reason -> { });
        SocketChannel earlier = connect(socket);
        first.release();
        assertGranted(earlier);
        earlier.close();
        // the arbiter, serving since its first hand-over, lingers: this process takes the lock from it again
        BackendLock again = backend.acquire("behind", Deadline.after(WAIT), reason -> { });
        SocketChannel grantee = connect(socket);
        CompletableFuture<BackendLock> next = backend.acquireAsync("behind", Deadline.after(WAIT), reason -> { });
        await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(socket) == 1);
        again.release();
        assertGranted(grantee);
        grantee.close();
        BackendLock lock = next.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(lock.fencingToken()).isGreaterThan(again.fencingToken());
        lock.release();
    }

    /** Another process's waiter, as npm {@code slocket} makes it: connects and never writes. */
    private SocketChannel connect(Path socket) throws IOException {
        SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        clients.add(client);
        return client;
    }

    /** Reads the grant on the test's own pool (never the common one); fails if it does not come in time. */
    private void assertGranted(SocketChannel client) throws Exception {
        ByteBuffer grant = ByteBuffer.allocate(2);
        CompletableFuture<Void> read = CompletableFuture.runAsync(() -> {
            try {
                while (grant.hasRemaining() && client.read(grant) >= 0) {
                    // until both bytes came
                }
            }
            catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }, executor);
        read.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(new String(grant.array(), StandardCharsets.US_ASCII)).isEqualTo("OK");
    }

    /**
     * This process holds; another connects, is granted on our release, and hands the lock back to
     * the thread of ours that queued meanwhile as it leaves.
     *
     * @return that thread's hold; the arbiter now keeps a place for the other process
     */
    private BackendLock afterAnotherProcessHadItsTurn(SocketLockBackend backend, String name) throws Exception {
        SocketChannel other = handedToAnotherProcess(backend, name);
        CompletableFuture<BackendLock> ours = acquireQueuedHere(backend, name);
        other.close();
        return ours.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** This process holds, another connects and is granted on our release: @return its connection */
    private SocketChannel handedToAnotherProcess(SocketLockBackend backend, String name) throws Exception {
        BackendLock held = backend.acquire(name, Deadline.after(WAIT), reason -> { });
        SocketChannel other = connect(backend.socketPath(name));
        held.release();
        assertGranted(other);
        return other;
    }

    /** {@code other} gets the lock while {@code ours} waits, and {@code ours} gets it once other leaves. */
    private void assertGrantedBefore(SocketChannel other, CompletableFuture<BackendLock> ours)
            throws Exception {
        assertGranted(other);
        assertThat(ours).isNotDone();
        other.close();
        ours.get(WAIT.toSeconds(), TimeUnit.SECONDS).release();
    }

    /**
     * A thread of ours asks while the lock waits for the other process's kept place; the other
     * process takes its turn and releases before our thread reaches the arbiter. Our thread asked
     * before that release, so it comes before the other process's next connection.
     */
    @Test
    void aThreadThatAskedBeforeTheOtherProcessReleasedComesBeforeItsNextConnection() throws Exception {
        SocketLockBackend backend = backend(Duration.ofSeconds(30));
        afterAnotherProcessHadItsTurn(backend, "asked").release();
        long askedAt = System.nanoTime();
        SocketChannel other = connect(backend.socketPath("asked"));
        assertGranted(other);
        other.close();

        LocalWaiter ours = backend.arbiter("asked").enqueueLocal(true, askedAt);
        SocketChannel next = connect(backend.socketPath("asked"));

        assertThat(ours.isGranted()).as("our thread, which asked first").isTrue();
        next.configureBlocking(false);
        assertThat(next.read(ByteBuffer.allocate(2))).as("bytes granted to the later connection").isZero();
        backend.arbiter("asked").releaseSelf();
        next.configureBlocking(true);
        assertGranted(next);
        next.close();
    }

    @Test
    void aWaiterInTheBacklogComesBeforeAReacquireRightAfterRelease() throws Exception {
        SocketLockBackend backend = backend(Duration.ZERO);
        BackendLock held = backend.acquire("backlog", Deadline.after(WAIT), reason -> { });
        SocketChannel waiting = connect(backend.socketPath("backlog"));
        held.release();
        assertThat(backend.acquire("backlog", Deadline.after(Duration.ZERO), reason -> { })).isNull();
        assertGranted(waiting);
    }

    @Test
    void aConnectedWaiterComesBeforeAReacquireRightAfterRelease() throws Exception {
        SocketLockBackend backend = backend(Duration.ZERO);
        BackendLock held = afterAnotherProcessHadItsTurn(backend, "connected");
        // the arbiter is served by its loop now: the waiter may already be accepted, or not yet
        SocketChannel waiting = connect(backend.socketPath("connected"));
        held.release();
        assertGrantedBefore(waiting, acquireAsync(backend, "connected"));
    }

    @Test
    void threeOtherProcessesAndTheArbitersOwnAreGrantedInTheOrderTheyQueued() throws Exception {
        SocketLockBackend backend = backend(Duration.ZERO);
        BackendLock held = backend.acquire("order", Deadline.after(WAIT), reason -> { });
        Path socket = backend.socketPath("order");
        List<SocketChannel> others = List.of(connect(socket), connect(socket), connect(socket));
        held.release();
        CompletableFuture<BackendLock> ours = acquireQueuedHere(backend, "order");
        for (SocketChannel other : others) {
            assertGranted(other);
            for (SocketChannel later : others.subList(others.indexOf(other) + 1, others.size())) {
                assertNothingReceived(later);
            }
            assertThat(ours).isNotDone();
            other.close();
        }
        ours.get(WAIT.toSeconds(), TimeUnit.SECONDS).release();
    }

    private static void assertNothingReceived(SocketChannel waiter) throws IOException {
        waiter.configureBlocking(false);
        assertThat(waiter.read(ByteBuffer.allocate(2))).as("bytes a later waiter received").isZero();
        waiter.configureBlocking(true);
    }

    @Test
    void aProcessThatReleasesAndReconnectsComesBeforeTheArbitersProcessLoopingToo() throws Exception {
        SocketLockBackend backend = backend(Duration.ofMinutes(1));
        afterAnotherProcessHadItsTurn(backend, "loop").release();
        // both loop: the other process reconnects only after our release and our next acquire
        CompletableFuture<BackendLock> ours = acquireQueuedHere(backend, "loop");
        assertGrantedBefore(connect(backend.socketPath("loop")), ours);
    }

    @Test
    void aKeptPlaceNobodyTakesExpires() throws Exception {
        SocketLockBackend backend = backend(Duration.ofMillis(50));
        afterAnotherProcessHadItsTurn(backend, "gone").release();
        // the other process never comes back: the place expires and our loop goes on
        acquireAsync(backend, "gone").get(WAIT.toSeconds(), TimeUnit.SECONDS).release();
        BackendLock later = backend.acquire("gone", Deadline.after(Duration.ZERO), reason -> { });
        assertThat(later).isNotNull();
        later.release();
    }

    @Test
    void theArbitersProcessComingBackLateIsNotOvertakenByTheGranteesProcessLooping() throws Exception {
        SocketLockBackend backend = backend(Duration.ofMinutes(1));
        SocketChannel other = handedToAnotherProcess(backend, "late");
        // the other process releases and reconnects before our thread comes back
        other.close();
        SocketChannel again = connect(backend.socketPath("late"));
        BackendLock ours = backend.acquire("late", Deadline.after(WAIT), reason -> { });
        assertThat(ours).isNotNull();
        assertNothingReceived(again);
        ours.release();
        assertGranted(again);
    }

    @Test
    void aWaiterThatLeftTheQueueIsPassedOverAtItsTurn() throws Exception {
        SocketLockBackend backend = backend(Duration.ofMinutes(1));
        BackendLock held = backend.acquire("left", Deadline.after(WAIT), reason -> { });
        Path socket = backend.socketPath("left");
        SocketChannel leaving = connect(socket);
        SocketChannel staying = connect(socket);
        // SL-24: nothing watches a waiting connection; the one that closed is dropped when its grant fails
        leaving.close();
        held.release();
        assertGrantedBefore(staying, acquireAsync(backend, "left"));
    }

    @Test
    void aGranteesReleaseNobodyWatchedIsSeenByIsLocked() throws Exception {
        SocketLockBackend backend = backend(Duration.ZERO);
        SocketChannel other = handedToAnotherProcess(backend, "unwatched");
        assertThat(backend.isLocked("unwatched")).isTrue();
        // nobody waits, so nothing watches the grantee: the question itself looks
        other.close();
        assertThat(backend.isLocked("unwatched")).isFalse();
    }

    @Test
    void anArbiterWhoseGranteeLeftWhileNobodyWaitedStillClosesAndRemovesItsSocket() throws Exception {
        SocketLockBackend backend = backend(Duration.ZERO);
        handedToAnotherProcess(backend, "linger").close();
        Path socket = backend.socketPath("linger");
        await().atMost(WAIT).until(() -> !Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void twoProcessesLoopingOnALockTakeTurns() throws Exception {
        Map<Long, Integer> holders = loop(2);
        assertEveryProcessKeptUp(holders, 2);
        int[] done = new int[2];
        int handoffs = 0;
        int turns = 0;
        Integer previous = null;
        for (int holder : holders.values()) {
            if (previous != null && holder != previous) {
                handoffs++;
            }
            previous = holder;
            turns++;
            if (++done[holder] == ROUNDS) {
                break;
            }
        }
        // every one when both always wait; without kept places it was 2-8 % on a quiet machine
        assertThat(handoffs).as("handoffs to the other process in %d turns", turns).isGreaterThan(turns / 2);
    }

    @Test
    void fourProcessesLoopingOnALockAllKeepUp() throws Exception {
        assertEveryProcessKeptUp(loop(4), 4);
    }

    /** @return the holder (child index) of every token, in token order */
    private Map<Long, Integer> loop(int processes) throws Exception {
        List<ChildJvm> children = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            children.add(support.child(StaleSocketPolicy.RECLAIM, "loop", "loop", Integer.toString(ROUNDS)));
        }
        for (ChildJvm child : children) {
            child.awaitLine("READY", Duration.ofSeconds(60));
        }
        Files.createFile(support.workDir().resolve("go"));
        Map<Long, Integer> holders = new TreeMap<>();
        for (int i = 0; i < processes; i++) {
            ChildJvm child = children.get(i);
            child.awaitLine("DONE", Duration.ofSeconds(120));
            assertThat(child.awaitExit(Duration.ofSeconds(30))).as(child.output()).isZero();
            for (String token : Files.readAllLines(support.workDir().resolve("tokens-" + child.pid()))) {
                assertThat(holders.put(Long.parseLong(token), i)).as("token %s handed out twice", token).isNull();
            }
        }
        return holders;
    }

    /**
     * Order, not timing: by the time the first process has done all its rounds, every other one has
     * done at least half of its own. Without fairness, the arbiter's process finished while the
     * other had done a few percent.
     */
    private static void assertEveryProcessKeptUp(Map<Long, Integer> holders, int processes) {
        int[] done = new int[processes];
        for (int holder : holders.values()) {
            if (++done[holder] == ROUNDS) {
                break;
            }
        }
        for (int i = 0; i < processes; i++) {
            assertThat(done[i]).as("rounds of process %d when the first finished", i).isGreaterThanOrEqualTo(ROUNDS / 2);
        }
    }
}
