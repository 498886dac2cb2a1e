package dev.slocket.s3;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.Slocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a waiter sends on the real S3Proxy while a lock stays held: HEAD requests of the keys that
 * can change, and a listing only when they say something changed (a LIST costs 12.5 times a
 * HEAD on AWS). An asynchronous waiter sends exactly what a blocking one does.
 */
class S3WaitingRequestsTest {

    private static final Duration LEASE = Duration.ofSeconds(3);

    private static final Duration MARGIN = Duration.ofMillis(500);

    private static final Duration POLL_MAX = Duration.ofMillis(200);

    private static final Duration LONG = Duration.ofSeconds(20);

    private final String prefix = "waiting-" + UUID.randomUUID() + "/";

    private final List<AutoCloseable> resources = new ArrayList<>();

    private S3LockOptions options() {
        return S3LockOptions.builder(S3ProxyServer.BUCKET).keyPrefix(prefix).lease(LEASE).safetyMargin(MARGIN)
                .poll(Duration.ofMillis(10), POLL_MAX).requestTimeout(Duration.ofSeconds(5))
                .failureTimeout(Duration.ofSeconds(5)).build();
    }

    private LockRegistry registry(S3Client client) {
        resources.add(0, client);
        LockRegistry registry = Slocket.s3(client, options());
        resources.add(0, registry);
        return registry;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    /**
     * The wait is shorter than lease + margin, so no takeover can fall due in it: with the holder
     * renewing, nothing the waiter sees calls for a second listing, however many polls it makes.
     */
    /** How a waiter waits: on its own thread, or as a continuation whose attempts the backend schedules. */
    enum Waiting {
        BLOCKING, ASYNC;

        CompletableFuture<HeldLock> acquire(LockRegistry registry, String name, Duration wait) {
            return this == BLOCKING ? CompletableFuture.supplyAsync(() -> registry.acquire(name, wait))
                    : registry.acquireAsync(name, wait);
        }
    }

    @ParameterizedTest
    @EnumSource(Waiting.class)
    void aWaiterPollsWithHeadRequestsAndListsOnlyOnce(Waiting waiting) throws Exception {
        RequestCounter counter = new RequestCounter();
        LockRegistry holder = registry(S3ProxyServer.shared().client());
        LockRegistry waiter = registry(S3ProxyServer.shared().client(counter));
        try (HeldLock held = holder.acquire("held", LONG)) {
            counter.reset();
            Duration wait = LEASE;
            assertThatThrownBy(() -> waiting.acquire(waiter, "held", wait).get(LONG.toSeconds(), TimeUnit.SECONDS))
                    .hasCauseInstanceOf(LockTimeoutException.class);
            Map<String, Integer> sent = counter.resetByOperation();
            // polls come at most POLL_MAX apart; a loaded machine makes fewer, but surely three
            assertThat(sent.getOrDefault("HeadObject", 0)).as("marker and generation HEADs per poll: " + sent)
                    .isGreaterThanOrEqualTo(2 * 3);
            assertThat(sent.getOrDefault("ListObjectsV2", 0)).as("one listing to start, none per poll: " + sent)
                    .isEqualTo(1);
            assertThat(sent.getOrDefault("GetObject", 0)).as("the holder's lease, read once: " + sent).isEqualTo(1);
            assertThat(sent.keySet()).containsOnly("HeadObject", "ListObjectsV2", "GetObject");
        }
    }

    @ParameterizedTest
    @EnumSource(Waiting.class)
    void aWaiterSeesTheReleaseMarkerAndListsBeforeItCreates(Waiting waiting) throws Exception {
        RequestCounter counter = new RequestCounter();
        LockRegistry holder = registry(S3ProxyServer.shared().client());
        LockRegistry waiter = registry(S3ProxyServer.shared().client(counter));
        HeldLock held = holder.acquire("handover", LONG);
        CompletableFuture<HeldLock> acquiring = waiting.acquire(waiter, "handover", LONG);
        await().atMost(LONG).until(() -> counter.count("HeadObject") >= 4);
        int listsBefore = counter.count("ListObjectsV2");
        held.release();
        try (HeldLock lock = acquiring.get(LONG.toSeconds(), TimeUnit.SECONDS)) {
            assertThat(lock.fencingToken()).isEqualTo(held.fencingToken() + 1);
            assertThat(counter.count("ListObjectsV2")).as("the listing that decides after the marker appeared")
                    .isEqualTo(listsBefore + 1);
        }
    }

    /**
     * The holder stops renewing; one waiter takes over while another still watches the old
     * generation. The other one must learn of the new generation without polling it, and get the
     * lock when the new holder releases.
     */
    @Test
    void aWaiterFindsTheGenerationSomeoneElseTookOverAndGetsItOnRelease() throws Exception {
        FaultyS3Client stuck = new FaultyS3Client(S3ProxyServer.shared().client());
        CountDownLatch never = new CountDownLatch(1);
        LockRegistry holder = registry(stuck);
        HeldLock dead = holder.acquire("taken-over", LONG);
        stuck.hold(FaultyS3Client.renewals(), never);
        LockRegistry first = registry(S3ProxyServer.shared().client());
        LockRegistry second = registry(S3ProxyServer.shared().client());
        CompletableFuture<HeldLock> one = CompletableFuture.supplyAsync(() -> first.acquire("taken-over", LONG));
        CompletableFuture<HeldLock> other = CompletableFuture.supplyAsync(() -> second.acquire("taken-over", LONG));
        CompletableFuture<Object> winner = CompletableFuture.anyOf(one, other);
        HeldLock taken = (HeldLock) winner.get(LONG.toSeconds(), TimeUnit.SECONDS);
        assertThat(taken.fencingToken()).isEqualTo(dead.fencingToken() + 1);
        CompletableFuture<HeldLock> loser = one.isDone() && one.join() == taken ? other : one;
        assertThat(loser).as("the other waiter keeps waiting").isNotDone();
        long released = System.nanoTime();
        taken.release();
        try (HeldLock next = loser.get(LONG.toSeconds(), TimeUnit.SECONDS)) {
            assertThat(next.fencingToken()).isEqualTo(taken.fencingToken() + 1);
            assertThat(Duration.ofNanos(System.nanoTime() - released)).as("found through the marker, not a takeover")
                    .isLessThan(LEASE);
        }
        never.countDown();
    }
}
