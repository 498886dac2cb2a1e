package dev.slocket.s3;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.SlocketException;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Closing a registry while one of its S3 acquisitions is in flight: the create that lands late
 * is given back (its release marker written), not left for others to wait out its lease.
 */
class S3ShutdownTest {

    private static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void anAcquisitionThatLandsAfterCloseBeganGivesBackWhatItCreated() throws Exception {
        S3LockOptions options = S3LockOptions.builder(S3ProxyServer.BUCKET).keyPrefix("closing-" + UUID.randomUUID() + "/")
                .build();
        CountDownLatch land = new CountDownLatch(1);
        try (FaultyS3Client client = new FaultyS3Client(S3ProxyServer.shared().client());
                LockRegistry other = Slocket.s3(S3ProxyServer.shared().client(), options)) {
            client.landLate(FaultyS3Client.creates(), land);
            LockRegistry registry = Slocket.s3(client, options);
            CompletableFuture<HeldLock> acquiring = CompletableFuture.supplyAsync(() -> registry.acquire("in-flight"),
                    CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS));
            await().atMost(BOUND).until(() -> client.injected() == 1);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(registry::close,
                    CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS));
            await().during(Duration.ofMillis(300)).atMost(BOUND).until(() -> !closing.isDone());
            land.countDown();
            closing.get(BOUND.toSeconds(), TimeUnit.SECONDS);

            assertThatThrownBy(() -> acquiring.get(BOUND.toSeconds(), TimeUnit.SECONDS)).cause()
                    .isInstanceOf(SlocketException.class).hasMessageContaining("is closing");
            // well within the 30 s lease: the generation that landed was given back
            try (HeldLock lock = other.acquire("in-flight", Duration.ofSeconds(5))) {
                assertThat(lock.fencingToken()).isEqualTo(2);
            }
        }
    }
}
