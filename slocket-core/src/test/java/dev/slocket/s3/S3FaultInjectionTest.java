package dev.slocket.s3;

import dev.slocket.HeldLock;
import dev.slocket.LockBackendException;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.s3.FaultyS3Client.Fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Ambiguous outcomes and retries, with faults injected around a real client that still talks to
 * the real S3Proxy: each write that may have landed is decided by reading back its nonce.
 */
class S3FaultInjectionTest {

    private static final Duration LEASE = Duration.ofSeconds(2);

    private static final Duration MARGIN = Duration.ofSeconds(1);

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final String prefix = "faults-" + UUID.randomUUID() + "/";

    private final List<AutoCloseable> resources = new ArrayList<>();

    private S3LockOptions options() {
        return S3LockOptions.builder(S3ProxyServer.BUCKET).keyPrefix(prefix).lease(LEASE)
                .safetyMargin(MARGIN).poll(Duration.ofMillis(10), Duration.ofMillis(100))
                .requestTimeout(Duration.ofSeconds(5)).failureTimeout(Duration.ofSeconds(2)).build();
    }

    private FaultyS3Client faultyClient() throws Exception {
        FaultyS3Client client = new FaultyS3Client(S3ProxyServer.shared().client());
        resources.add(client);
        return client;
    }

    private LockRegistry registry(S3Client client) {
        LockRegistry registry = Slocket.s3(client, options());
        resources.add(0, registry);
        return registry;
    }

    private LockRegistry plainRegistry() throws Exception {
        return registry(faultyClient());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    /**
     * The slow create is let go only after its generation was created, released and deleted by others.
     * Deletion waits out {@link DeferredDeletes#KEEP}: the test runs alongside the others (own key prefix).
     */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void aCreateThatLandsAfterItsGenerationWasCleanedUpIsWithdrawn() throws Exception {
        LateCreate late = lateCreateWhileOthersTakeTurns("late");
        String generation2 = LockKeys.generationKey(new LockKeys(prefix).folder("late"), 2);
        await().atMost(WAIT).until(() -> !exists(generation2));
        late.assertLosesToTheOthers();
    }

    /**
     * The slow create is let go at once: superseded generations are kept for a while, so it finds
     * its generation still there and loses, with no check after creates that land in time.
     */
    @Test
    void aCreateThatLandsLateButInTimeFindsItsGenerationTaken() throws Exception {
        lateCreateWhileOthersTakeTurns("late-in-time").assertLosesToTheOthers();
    }

    /** A registry whose create of generation 2 is held back while another one takes three turns. */
    private LateCreate lateCreateWhileOthersTakeTurns(String name) throws Exception {
        LockRegistry fast = plainRegistry();
        fast.acquire(name, WAIT).release();
        CountDownLatch gate = new CountDownLatch(1);
        FaultyS3Client slowClient = faultyClient().hold(FaultyS3Client.creates(), gate);
        CompletableFuture<HeldLock> late = registry(slowClient).acquireAsync(name, WAIT);
        await().atMost(WAIT).until(() -> slowClient.injected() == 1);
        long lastFast = 0;
        for (int i = 0; i < 3; i++) {
            try (HeldLock lock = fast.acquire(name, WAIT)) {
                lastFast = lock.fencingToken();
            }
        }
        return new LateCreate(name, fast, late, gate, lastFast);
    }

    private record LateCreate(String name, LockRegistry fast, CompletableFuture<HeldLock> late, CountDownLatch gate,
            long lastFast) {

        /** Lets the held create go; the slow registry must end up with a generation after the others'. */
        void assertLosesToTheOthers() throws Exception {
            assertThat(late).as("the slow create was still in flight while the others took turns").isNotDone();
            gate.countDown();
            try (HeldLock lock = late.get(30, TimeUnit.SECONDS)) {
                assertThat(lock.fencingToken()).as("a late create of a taken generation must not count")
                        .isGreaterThan(lastFast);
                assertThat(fast.tryAcquire(name)).isEmpty();
            }
        }
    }

    private boolean exists(String key) throws Exception {
        try (S3Client client = S3ProxyServer.shared().client()) {
            return !client.listObjectsV2(request -> request.bucket(S3ProxyServer.BUCKET).prefix(key)).contents()
                    .isEmpty();
        }
    }

    @Test
    void aCreateThatLandedBeforeTheConnectionBrokeIsOurs() throws Exception {
        FaultyS3Client client = faultyClient().inject(FaultyS3Client.creates(), Fault.LAND_THEN_BREAK, 1);
        LockRegistry locks = registry(client);
        LockRegistry other = plainRegistry();
        HeldLock lock = locks.acquire("landed-broken", WAIT);
        assertThat(client.injected()).isEqualTo(1);
        assertThat(lock.fencingToken()).isEqualTo(1);
        assertThat(other.tryAcquire("landed-broken")).isEmpty();
        lock.release();
        try (HeldLock theirs = other.acquire("landed-broken", WAIT)) {
            assertThat(theirs.fencingToken()).isEqualTo(2);
        }
    }

    @Test
    void a412ForOurOwnLandedCreateIsStillOurs() throws Exception {
        FaultyS3Client client = faultyClient().inject(FaultyS3Client.creates(), Fault.LAND_THEN_412, 1);
        LockRegistry locks = registry(client);
        LockRegistry other = plainRegistry();
        try (HeldLock lock = locks.acquire("landed-412", WAIT)) {
            assertThat(client.injected()).isEqualTo(1);
            assertThat(lock.fencingToken()).isEqualTo(1);
            assertThat(other.tryAcquire("landed-412")).isEmpty();
        }
    }

    @Test
    void conflictsThrottlingAndUnavailabilityAreRetriedWithinTheWait() throws Exception {
        FaultyS3Client client = faultyClient().inject(FaultyS3Client.lists(), Fault.UNAVAILABLE_503, 2)
                .inject(FaultyS3Client.creates(), Fault.CONFLICT_409, 2)
                .inject(FaultyS3Client.creates(), Fault.UNAVAILABLE_503, 1);
        LockRegistry locks = registry(client);
        try (HeldLock lock = locks.acquire("retried", WAIT)) {
            assertThat(client.injected()).isEqualTo(5);
            assertThat(lock.fencingToken()).isEqualTo(1);
        }
    }

    @Test
    void failuresThatLastFailTheAcquisitionWithABackendException() throws Exception {
        FaultyS3Client client = faultyClient().inject(FaultyS3Client.lists(), Fault.UNAVAILABLE_503, 1000);
        LockRegistry locks = registry(client);
        long start = System.nanoTime();
        assertThatThrownBy(() -> locks.acquire("unavailable", Duration.ofSeconds(60)))
                .isInstanceOf(LockBackendException.class).hasMessageContaining("unavailable")
                .hasMessageContaining("503");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void failedPollsAreRetriedAndPollsThatKeepFailingFailTheAcquisition() throws Exception {
        LockRegistry holder = plainRegistry();
        HeldLock held = holder.acquire("polls-fail", WAIT);
        FaultyS3Client client = faultyClient().inject(FaultyS3Client.heads(), Fault.UNAVAILABLE_503, 2);
        CompletableFuture<HeldLock> waiting = registry(client).acquireAsync("polls-fail", WAIT);
        await().atMost(WAIT).until(() -> client.injected() == 2);
        held.release();
        try (HeldLock lock = waiting.get(30, TimeUnit.SECONDS)) {
            assertThat(lock.fencingToken()).isEqualTo(held.fencingToken() + 1);
            FaultyS3Client failing = faultyClient().inject(FaultyS3Client.heads(), Fault.UNAVAILABLE_503, 1000);
            LockRegistry waiter = registry(failing);
            assertThatThrownBy(() -> waiter.acquire("polls-fail", Duration.ofSeconds(60)))
                    .isInstanceOf(LockBackendException.class).hasMessageContaining("polls-fail")
                    .hasMessageContaining(S3ProxyServer.BUCKET).hasMessageContaining("503");
        }
    }

    @Test
    void aRenewalThatLandedBeforeTheConnectionBrokeKeepsTheLock() throws Exception {
        FaultyS3Client client = faultyClient();
        LockRegistry locks = registry(client);
        LockRegistry other = plainRegistry();
        try (HeldLock lock = locks.acquire("renewal-broken", WAIT)) {
            client.inject(FaultyS3Client.renewals(), Fault.LAND_THEN_BREAK, 1)
                    .inject(FaultyS3Client.renewals(), Fault.LAND_THEN_412, 1)
                    .inject(FaultyS3Client.renewals(), Fault.CONFLICT_409, 1);
            await().atMost(LEASE.multipliedBy(3)).until(() -> client.injected() == 3);
            // holding over two more leases proves the renewals that followed worked
            Thread.sleep(LEASE.multipliedBy(2).toMillis());
            assertThat(lock.isHeld()).isTrue();
            assertThat(other.tryAcquire("renewal-broken")).isEmpty();
        }
    }

    @Test
    void aHolderWhoseRenewalsHangReportsTheLossBeforeAnyoneCanTakeOver() throws Exception {
        FaultyS3Client client = faultyClient();
        LockRegistry locks = registry(client);
        LockRegistry other = plainRegistry();
        HeldLock lock = locks.acquire("renewal-hangs", WAIT);
        AtomicLong lostAt = new AtomicLong();
        lock.onLost(loss -> lostAt.set(System.nanoTime()));
        long faultFrom = System.nanoTime();
        client.delay(FaultyS3Client.renewals(), LEASE.multipliedBy(3), 100);
        long start = System.nanoTime();
        try (HeldLock theirs = other.acquire("renewal-hangs", WAIT)) {
            long acquiredAt = System.nanoTime();
            assertThat(lostAt.get()).as("loss reported before the takeover").isNotZero().isLessThan(acquiredAt);
            assertThat(Duration.ofNanos(lostAt.get() - faultFrom)).isLessThan(LEASE.plus(MARGIN));
            assertThat(Duration.ofNanos(acquiredAt - start)).isGreaterThanOrEqualTo(LEASE);
            assertThat(theirs.fencingToken()).isGreaterThan(lock.fencingToken());
        }
    }

    @Test
    void aReleaseThatLandedBeforeTheConnectionBrokeReleases() throws Exception {
        FaultyS3Client client = faultyClient().inject(FaultyS3Client.releaseMarkers(), Fault.LAND_THEN_BREAK, 1);
        LockRegistry locks = registry(client);
        LockRegistry other = plainRegistry();
        locks.acquire("release-broken", WAIT).release();
        assertThat(client.injected()).isEqualTo(1);
        assertThat(other.tryAcquire("release-broken")).isPresent();
    }

    @Test
    void aStoreThatIgnoresIfNoneMatchIsRefusedAtStartUp() throws Exception {
        FaultyS3Client client = faultyClient().inject(FaultyS3Client.puts(), Fault.IGNORE_CONDITIONS, 1);
        assertThatThrownBy(() -> new S3LockBackend(client, options())).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("does not support conditional writes")
                .hasMessageContaining(S3ProxyServer.BUCKET);
    }
}
