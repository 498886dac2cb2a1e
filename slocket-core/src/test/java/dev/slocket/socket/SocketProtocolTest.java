package dev.slocket.socket;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The wire protocol inside one JVM, where several backends contend exactly like processes (SL-5):
 * the original's test cases of spec §12 that need no second process, against real and fake
 * arbiters.
 */
class SocketProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    private final ExecutorService executor = Executors.newCachedThreadPool();

    private final List<SocketLockBackend> backends = new ArrayList<>();

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        backends.forEach(SocketLockBackend::close);
    }

    private SocketLockBackend backend() {
        return backend(SocketLockOptions.builder(directory));
    }

    private SocketLockBackend backend(SocketLockOptions.Builder options) {
        SocketLockBackend backend = new SocketLockBackend(options.build());
        backends.add(backend);
        return backend;
    }

    private CompletableFuture<BackendLock> acquireAsync(SocketLockBackend backend, String name) {
        return SocketTestSupport.acquireAsync(backend, name, WAIT, executor);
    }

    @Test
    void staggeredWaitersAreGrantedInOrderByTheFirstHoldersListener() throws Exception {
        SocketLockBackend first = backend();
        BackendLock server = first.acquire("staggered", Deadline.after(WAIT), reason -> { });
        Path socket = first.socketPath("staggered");
        assertThat(server).isInstanceOf(ServerHold.class);
        CompletableFuture<BackendLock> second = acquireAsync(backend(), "staggered");
        await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(socket) == 1);
        CompletableFuture<BackendLock> third = acquireAsync(backend(), "staggered");
        await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(socket) == 2);

        server.release();
        BackendLock secondLock = second.get(10, TimeUnit.SECONDS);
        assertThat(secondLock).isInstanceOf(GranteeHold.class);
        assertThat(third).isNotDone();
        assertThat(socket).as("the first holder stays the arbiter (SL-22)").exists();
        secondLock.release();
        BackendLock thirdLock = third.get(10, TimeUnit.SECONDS);
        assertThat(thirdLock).isInstanceOf(GranteeHold.class);
        thirdLock.release();
        await().atMost(WAIT).untilAsserted(() -> assertThat(socket).as("arbiter closed (SL-23)").doesNotExist());
    }

    @Test
    void serialLocksEachBindAndRemoveTheirSocket() throws Exception {
        SocketLockBackend backend = backend();
        Path socket = backend.socketPath("serial");
        for (int i = 0; i < 3; i++) {
            BackendLock lock = backend.acquire("serial", Deadline.after(Duration.ZERO), reason -> { });
            assertThat(lock).isInstanceOf(ServerHold.class);
            assertThat(socket).exists();
            lock.release();
            assertThat(socket).as("removed before release returns (SL-25)").doesNotExist();
        }
    }

    @Test
    void waitersDroppedByTheArbiterQueueAgainAndAllAcquireOneAtATime() throws Exception {
        Path socket = backend().socketPath("abrupt");
        try (ServerSocketChannel arbiter = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            arbiter.bind(UnixDomainSocketAddress.of(socket), 511);
            List<CompletableFuture<BackendLock>> waiters = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waiters.add(acquireAsync(backend(), "abrupt"));
            }
            List<SocketChannel> queue = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                queue.add(accept(arbiter));
            }
            for (int i = 4; i >= 0; i -= 2) {
                queue.remove(i).close();
            }
            for (int i = 0; i < 3; i++) {
                queue.add(accept(arbiter));
            }
            int acquired = 0;
            for (SocketChannel next : queue) {
                next.write(ByteBuffer.wrap("OK".getBytes(StandardCharsets.US_ASCII)));
                int expected = ++acquired;
                await().atMost(WAIT).until(() -> waiters.stream().filter(CompletableFuture::isDone).count() == expected);
                BackendLock holder = waiters.stream().filter(CompletableFuture::isDone)
                        .map(CompletableFuture::join).filter(lock -> ((SocketHold) lock).isHeld())
                        .findFirst().orElseThrow();
                holder.release();
                assertThat(next.read(ByteBuffer.allocate(1))).as("release closes the connection").isEqualTo(-1);
                next.close();
            }
            assertThat(waiters).allMatch(CompletableFuture::isDone);
        }
    }

    private SocketChannel accept(ServerSocketChannel arbiter) throws Exception {
        Future<SocketChannel> accepted = executor.submit(arbiter::accept);
        return accepted.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aForeignServerSendingGarbageNeverGrantsTheLock() throws Exception {
        SocketLockBackend backend = backend();
        Path socket = backend.socketPath("garbage");
        AtomicInteger served = new AtomicInteger();
        try (ServerSocketChannel foreign = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            foreign.bind(UnixDomainSocketAddress.of(socket), 511);
            executor.submit(() -> {
                while (true) {
                    try (SocketChannel client = foreign.accept()) {
                        String reply = (served.incrementAndGet() % 2 == 0) ? "OKAY" : "O";
                        client.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.US_ASCII)));
                        client.write(ByteBuffer.wrap("garbage".getBytes(StandardCharsets.US_ASCII)));
                    }
                }
            });
            assertThat(backend.acquire("garbage", Deadline.after(Duration.ofSeconds(1)), reason -> { })).isNull();
            assertThat(served.get()).as("the client reconnected with backoff, not in a hot loop").isBetween(2, 100);
        }
        java.nio.file.Files.delete(socket);
        BackendLock lock = backend.acquire("garbage", Deadline.after(WAIT), reason -> { });
        assertThat(lock).isInstanceOf(ServerHold.class);
        lock.release();
    }

    @Test
    void peersOfAnotherUserAreNotTrusted() throws Exception {
        Path socket = backend().socketPath("peer");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                    SocketChannel accepted = server.accept()) {
                assertThat(PeerIdentity.of(true).accepts(client)).isTrue();
                assertThat(PeerIdentity.of(true).accepts(accepted)).isTrue();
                PeerIdentity nobody = new PeerIdentity(FileSystems.getDefault().getUserPrincipalLookupService()
                        .lookupPrincipalByName("nobody"));
                assertThat(nobody.accepts(client)).isFalse();
                assertThat(nobody.accepts(accepted)).isFalse();
            }
        }
    }

    @Test
    void raceModeMakesEveryHolderAServerHolderOneAtATime() throws Exception {
        List<SocketLockBackend> racers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            racers.add(backend(SocketLockOptions.builder(directory).handoverMode(HandoverMode.RACE)));
        }
        assertThat(takeTurns(racers, "race", 10, lock -> assertThat(lock).isInstanceOf(ServerHold.class)))
                .as("overlapping holders").isZero();
    }

    /**
     * Each backend takes {@code name} {@code rounds} times in its own thread, checking each hold.
     *
     * @return how often a holder found another one inside
     */
    private int takeTurns(List<SocketLockBackend> contenders, String name, int rounds, Consumer<BackendLock> check)
            throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Future<?>> runs = new ArrayList<>();
        for (SocketLockBackend contender : contenders) {
            runs.add(executor.submit(() -> {
                for (int round = 0; round < rounds; round++) {
                    BackendLock lock = contender.acquire(name, Deadline.after(WAIT), reason -> { });
                    assertThat(lock).as("no stall in round %d", round).isNotNull();
                    check.accept(lock);
                    if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    inside.decrementAndGet();
                    lock.release();
                }
                return null;
            }));
        }
        for (Future<?> run : runs) {
            run.get(90, TimeUnit.SECONDS);
        }
        return overlaps.get();
    }

    @Test
    void aWithdrawnWaiterLeavesTheHolderAndItsSocketAlone() throws Exception {
        SocketLockBackend holderBackend = backend();
        BackendLock holder = holderBackend.acquire("withdrawn", Deadline.after(WAIT), reason -> { });
        Path socket = holderBackend.socketPath("withdrawn");
        FileState bound = FileState.of(socket);
        assertThat(backend().acquire("withdrawn", Deadline.after(Duration.ofMillis(300)), reason -> { })).isNull();
        assertThat(bound.isStillAt(socket)).as("SL-30: the waiter never deletes the socket").isTrue();
        assertThat(backend().acquire("withdrawn", Deadline.after(Duration.ZERO), reason -> { })).isNull();
        holder.release();
        BackendLock next = backend().acquire("withdrawn", Deadline.after(Duration.ZERO), reason -> { });
        assertThat(next).isNotNull();
        next.release();
    }

    @Test
    void aWaiterWithoutDeadlineStopsOnInterruptAndLeavesNothingHeld() throws Exception {
        SocketLockBackend holderBackend = backend();
        BackendLock holder = holderBackend.acquire("interrupted", Deadline.after(WAIT), reason -> { });
        Path socket = holderBackend.socketPath("interrupted");
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        SocketLockBackend waiterBackend = backend();
        Thread waiter = new Thread(() -> {
            try {
                waiterBackend.acquire("interrupted", Deadline.never(), reason -> { });
                outcome.complete(null);
            }
            catch (Throwable ex) {
                outcome.complete(ex);
            }
        });
        waiter.start();
        await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(socket) == 1);
        waiter.interrupt();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        holder.release();
        await().atMost(WAIT).untilAsserted(() -> assertThat(socket).as("nobody holds it any more").doesNotExist());
        BackendLock next = backend().acquire("interrupted", Deadline.after(Duration.ZERO), reason -> { });
        assertThat(next).isInstanceOf(ServerHold.class);
        next.release();
    }

    @Test
    void aWaiterOfTheArbitersOwnProcessThatGivesUpLeavesNothingHeld() throws Exception {
        SocketLockBackend arbiter = backend();
        BackendLock first = arbiter.acquire("own-waiter", Deadline.after(WAIT), reason -> { });
        CompletableFuture<BackendLock> remote = acquireAsync(backend(), "own-waiter");
        await().atMost(WAIT).until(() -> SocketTestSupport.connectionsTo(arbiter.socketPath("own-waiter")) == 1);
        first.release();
        BackendLock granted = remote.get(10, TimeUnit.SECONDS);
        assertThat(arbiter.acquire("own-waiter", Deadline.after(Duration.ofMillis(200)), reason -> { }))
                .as("queued behind the remote grantee, then timed out").isNull();
        Thread interrupted = new Thread(() -> {
            try {
                arbiter.acquire("own-waiter", Deadline.after(WAIT), reason -> { });
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        interrupted.start();
        interrupted.interrupt();
        interrupted.join(WAIT.toMillis());
        granted.release();
        BackendLock next = backend().acquire("own-waiter", Deadline.after(Duration.ofSeconds(5)), reason -> { });
        assertThat(next).as("nobody kept the lock after giving up").isNotNull();
        next.release();
    }

    @Test
    void twoBackendsTakingTurnsWithoutPauseNeverStall() throws Exception {
        assertThat(takeTurns(List.of(backend(), backend()), "turns", 3000, lock -> { })).as("overlapping holders")
                .isZero();
    }

    @Test
    void aThousandContendersThatReleaseAtOnceAllFinishWithoutError() throws Exception {
        SocketLockOptions.Builder options = SocketLockOptions.builder(directory);
        List<SocketLockBackend> contenders = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            contenders.add(backend(options));
        }
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Future<?>> runs = new ArrayList<>();
        for (SocketLockBackend contender : contenders) {
            runs.add(executor.submit(() -> {
                start.await();
                BackendLock lock = contender.acquire("pound", Deadline.after(Duration.ofSeconds(90)), reason -> { });
                if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                inside.decrementAndGet();
                lock.release();
                return null;
            }));
        }
        start.countDown();
        for (Future<?> run : runs) {
            run.get(120, TimeUnit.SECONDS);
        }
        assertThat(overlaps).hasValue(0);
    }

}
