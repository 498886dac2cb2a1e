package dev.slocket.spring.lifecycle;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.SlocketException;
import dev.slocket.s3.S3LockOptions;
import dev.slocket.s3.S3ProxyServer;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketOperationsAutoConfiguration;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Closing the context withdraws waiters at once, and a holder that outlives the shutdown phase
 * keeps its lock until it releases it, with a working S3 client.
 */
class ContextShutdownTests {

    private static final Duration BOUND = Duration.ofSeconds(20);

    private final ExecutorService threads = Executors.newCachedThreadPool();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, LifecycleAutoConfiguration.class,
                    SlocketAutoConfiguration.class, SlocketOperationsAutoConfiguration.class))
            .withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=300ms");

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void closingTheContextWithdrawsAWaiterAtOnce() {
        runner.withPropertyValues("slocket.backend=memory").run(context -> {
            LockRegistry registry = context.getBean(LockRegistry.class);
            CountDownLatch done = new CountDownLatch(1);
            threads.submit(() -> {
                try (HeldLock lock = registry.acquire("busy")) {
                    done.await();
                }
                return null;
            });
            await().atMost(BOUND).until(() -> !registry.locks().isEmpty());
            Future<HeldLock> waiter = threads.submit(() -> registry.acquire("busy"));
            await().atMost(BOUND).until(() -> registry.locks().get(0).localWaiters() == 1);

            context.close();
            assertThatThrownBy(() -> waiter.get(BOUND.toSeconds(), TimeUnit.SECONDS)).cause()
                    .isInstanceOf(SlocketException.class).hasMessageContaining("is closing");
            done.countDown();
        });
    }

    @Test
    void aHolderThatOutlivesTheShutdownPhaseKeepsItsLockAndReleasesItThroughAnOpenS3Client() throws Exception {
        S3ProxyServer server = S3ProxyServer.shared();
        String prefix = "outlives-phase/";
        try (LockRegistry other = Slocket.s3(server.client(),
                S3LockOptions.builder(S3ProxyServer.BUCKET).keyPrefix(prefix).build())) {
            runner.withPropertyValues("slocket.backend=s3", "slocket.s3.bucket=" + S3ProxyServer.BUCKET,
                    "slocket.s3.endpoint=" + server.endpoint(), "slocket.s3.region=us-east-1",
                    "slocket.s3.path-style-access=true", "slocket.s3.key-prefix=" + prefix).run(context -> {
                        LockRegistry registry = context.getBean(LockRegistry.class);
                        CountDownLatch done = new CountDownLatch(1);
                        CompletableFuture<HeldLock> holding = new CompletableFuture<>();
                        Future<?> holder = threads.submit(() -> {
                            try (HeldLock lock = registry.acquire("outlives")) {
                                holding.complete(lock);
                                done.await();
                            }
                            return null;
                        });
                        HeldLock lock = holding.get(BOUND.toSeconds(), TimeUnit.SECONDS);

                        context.close();
                        assertThat(lock.isHeld()).isTrue();
                        assertThat(other.tryAcquire("outlives")).as("released from under its holder").isEmpty();

                        done.countDown();
                        holder.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                        // well within the 30 s lease: the release marker was written
                        try (HeldLock theirs = other.acquire("outlives", Duration.ofSeconds(10))) {
                            assertThat(theirs.fencingToken()).isGreaterThan(lock.fencingToken());
                        }
                    });
        }
    }
}
