package dev.slocket.s3;

import dev.slocket.HeldLock;
import dev.slocket.LockBackendException;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.Slocket;
import dev.slocket.SlocketException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.testing.BlockingPoolThreads;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Asynchronous waits on the S3 backend (DESIGN §4, no thread per waiter): attempts scheduled on the
 * backend's small pool, so every waiter keeps polling however many names are awaited, and a
 * withdrawn waiter stops at once and leaves nothing held.
 */
class S3AsyncWaitingTest {

    private static final Duration LONG = Duration.ofSeconds(20);

    /** From a release to its waiter holding: at most one poll, a listing and a create, on a loaded machine. */
    private static final Duration HANDOVER = Duration.ofSeconds(5);

    private final String prefix = "async-" + UUID.randomUUID() + "/";

    private final List<AutoCloseable> resources = new ArrayList<>();

    /** The default lease (30 s): a lock given back is free long before it could expire. */
    private S3LockOptions options(Duration pollMax) {
        return S3LockOptions.builder(S3ProxyServer.BUCKET).keyPrefix(prefix).poll(Duration.ofMillis(10), pollMax)
                .requestTimeout(Duration.ofSeconds(5)).failureTimeout(Duration.ofSeconds(5)).build();
    }

    private <T extends AutoCloseable> T closedAfter(T resource) {
        resources.add(0, resource);
        return resource;
    }

    private LockRegistry registry(S3Client client, Duration pollMax) {
        closedAfter(client);
        return closedAfter(Slocket.s3(client, options(pollMax)));
    }

    private LockRegistry registry(Duration pollMax) throws Exception {
        return registry(S3ProxyServer.shared().client(), pollMax);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    /**
     * More awaited names than the JVM-wide fallback pool has threads (16): a waiter queued there
     * would not poll until a thread came free, seconds after its name was released.
     */
    @Test
    void waitersOnAHundredNamesTakeNoThreadEachAndAcquireSoonAfterTheirRelease() throws Exception {
        int names = 100;
        LockRegistry holder = registry(Duration.ofSeconds(1));
        LockRegistry waiter = registry(Duration.ofSeconds(1));
        List<HeldLock> held = new ArrayList<>();
        for (int n = 0; n < names; n++) {
            held.add(holder.acquire("name-" + n, LONG));
        }
        BlockingPoolThreads pool = BlockingPoolThreads.snapshot();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        AtomicLongArray acquiredAt = new AtomicLongArray(names);
        List<CompletableFuture<HeldLock>> waiting = new ArrayList<>();
        for (int n = 0; n < names; n++) {
            int index = n;
            waiting.add(waiter.acquireAsync("name-" + n, LONG)
                    .whenComplete((lock, ex) -> acquiredAt.set(index, System.nanoTime())));
        }
        await().atMost(LONG).until(() -> waiter.locks().size() == names);
        int added = ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore;
        assertThat(added).as("threads added by " + names + " waiting acquisitions").isLessThanOrEqualTo(32);
        assertThat(pool.usedSinceSnapshot()).as("threads of the blocking fallback pool").isEmpty();

        long[] releasedAt = new long[names];
        List<Integer> released = new ArrayList<>();
        for (int n = 5; n < names; n += 10) {
            releasedAt[n] = System.nanoTime();
            held.get(n).release();
            released.add(n);
        }
        Map<String, Duration> handovers = new TreeMap<>();
        for (int n : released) {
            HeldLock lock = waiting.get(n).get(LONG.toSeconds(), TimeUnit.SECONDS);
            assertThat(lock.fencingToken()).isEqualTo(held.get(n).fencingToken() + 1);
            handovers.put("name-" + n, Duration.ofNanos(acquiredAt.get(n) - releasedAt[n]));
        }
        assertThat(handovers.values()).as("from each release to its waiter holding: " + handovers)
                .allMatch(handover -> handover.compareTo(HANDOVER) < 0);
        held.forEach(HeldLock::release);
        for (CompletableFuture<HeldLock> next : waiting) {
            next.get(LONG.toSeconds(), TimeUnit.SECONDS).release();
        }
    }

    enum Withdrawal { CANCEL, TIMEOUT, CLOSE }

    @ParameterizedTest
    @EnumSource(Withdrawal.class)
    void aWithdrawnWaiterStopsPollingAndLeavesNothingHeld(Withdrawal withdrawal) throws Exception {
        Duration pollMax = Duration.ofMillis(200);
        RequestCounter counter = new RequestCounter();
        LockRegistry holder = registry(pollMax);
        LockRegistry waiter = registry(S3ProxyServer.shared().client(counter), pollMax);
        HeldLock held = holder.acquire("withdrawn", LONG);
        Duration wait = withdrawal == Withdrawal.TIMEOUT ? Duration.ofSeconds(1) : LONG;
        CompletableFuture<HeldLock> waiting = waiter.acquireAsync("withdrawn", wait);
        await().atMost(LONG).until(() -> counter.count("HeadObject") >= 2);
        switch (withdrawal) {
            case CANCEL -> {
                waiting.cancel(true);
                assertThatThrownBy(waiting::join).isInstanceOf(CancellationException.class);
            }
            case TIMEOUT -> assertThatThrownBy(() -> waiting.get(LONG.toSeconds(), TimeUnit.SECONDS))
                    .hasCauseInstanceOf(LockTimeoutException.class);
            case CLOSE -> {
                waiter.close();
                assertThatThrownBy(waiting::join).cause().isInstanceOf(SlocketException.class)
                        .hasMessageContaining("is closing");
            }
        }
        await().atMost(LONG).until(() -> waiter.locks().isEmpty());
        int sent = counter.count();
        held.release();
        try (HeldLock next = registry(pollMax).tryAcquire("withdrawn").orElseThrow()) {
            assertThat(next.fencingToken()).as("no generation created in between").isEqualTo(held.fencingToken() + 1);
        }
        await().during(pollMax.multipliedBy(3)).atMost(LONG).until(() -> counter.count() == sent);
    }

    enum AtTheBackend { CANCEL, CLOSE }

    /** The withdrawal comes while the waiter's create is in flight; the generation it creates is given back. */
    @ParameterizedTest
    @EnumSource(AtTheBackend.class)
    void aCreateThatLandsAfterTheWithdrawalIsGivenBack(AtTheBackend withdrawal) throws Exception {
        CountDownLatch land = new CountDownLatch(1);
        FaultyS3Client client = closedAfter(new FaultyS3Client(S3ProxyServer.shared().client()));
        client.landLate(FaultyS3Client.creates(), land);
        S3LockBackend backend = closedAfter(new S3LockBackend(client, options(Duration.ofMillis(200))));
        CompletableFuture<BackendLock> acquiring = backend.acquireAsync("landing", Deadline.after(LONG), reason -> {
        });
        await().atMost(LONG).until(() -> client.injected() == 1);
        CompletableFuture<Void> closing = null;
        if (withdrawal == AtTheBackend.CANCEL) {
            assertThat(acquiring.cancel(true)).isTrue();
        }
        else {
            closing = CompletableFuture.runAsync(backend::close);
            CompletableFuture<Void> closed = closing;
            await().during(Duration.ofMillis(300)).atMost(LONG).until(() -> !closed.isDone());
        }
        assertThat(acquiring).as("completes once the attempt under way has ended").isNotDone();
        land.countDown();
        if (closing != null) {
            closing.get(LONG.toSeconds(), TimeUnit.SECONDS);
            assertThatThrownBy(acquiring::join).cause().isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("closed");
        }
        else {
            assertThatThrownBy(() -> acquiring.get(LONG.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(CancellationException.class);
        }
        // well within the 30 s lease: the generation that landed was given back
        try (HeldLock lock = registry(Duration.ofMillis(200)).acquire("landing", HANDOVER)) {
            assertThat(lock.fencingToken()).isEqualTo(2);
        }
    }

    /**
     * Every thread of the attempt pool hangs in another acquisition's request: a waiter whose next
     * attempt cannot start still ends its wait soon after its deadline, with nothing held.
     */
    @Test
    void aWaiterWhoseAttemptCannotStartStillEndsSoonAfterItsDeadline() throws Exception {
        LockRegistry holder = registry(Duration.ofMillis(200));
        List<HeldLock> held = new ArrayList<>();
        for (String name : List.of("late", "busy-0", "busy-1", "busy-2", "busy-3")) {
            held.add(holder.acquire(name, LONG));
        }
        RequestCounter counter = new RequestCounter();
        FaultyS3Client client = closedAfter(new FaultyS3Client(closedAfter(S3ProxyServer.shared().client(counter))));
        S3LockBackend backend = closedAfter(new S3LockBackend(client, options(Duration.ofMillis(200))));
        CountDownLatch gate = new CountDownLatch(1);
        try {
            Duration wait = Duration.ofSeconds(2);
            long started = System.nanoTime();
            CompletableFuture<BackendLock> late = backend.acquireAsync("late", Deadline.after(wait), reason -> {
            });
            await().atMost(LONG).until(() -> counter.count("HeadObject") >= 2);
            for (int i = 0; i < AsyncAcquisitions.THREADS; i++) {
                client.hold(request -> request instanceof HeadObjectRequest head && head.key().contains("/busy-"), gate);
                backend.acquireAsync("busy-" + i, Deadline.after(LONG), reason -> {
                });
            }
            await().atMost(LONG).until(() -> client.injected() == AsyncAcquisitions.THREADS);
            assertThat(late.get(wait.toSeconds() + 3, TimeUnit.SECONDS)).as("timed out").isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(wait.plus(ScheduledAcquisition.LATE)
                    .plusSeconds(1));
        }
        finally {
            gate.countDown();
            held.forEach(HeldLock::release);
        }
    }
}
