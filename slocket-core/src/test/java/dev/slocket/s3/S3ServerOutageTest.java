package dev.slocket.s3;

import dev.slocket.HeldLock;
import dev.slocket.LockBackendException;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The S3 server goes away (killed, or frozen so that requests hang) while a lock is held: the
 * holder reports the loss when its lease ends, before anyone could take over; acquiring fails
 * with a clear {@link LockBackendException} instead of hanging; once the server is back locks
 * work again with greater fencing tokens. Each test has a server of its own, so the two run
 * concurrently: most of their time is waiting for the server, leases and request timeouts.
 */
class S3ServerOutageTest {

    private static final Duration LEASE = Duration.ofSeconds(3);

    private static final Duration MARGIN = Duration.ofSeconds(1);

    private static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(2);

    private S3ProxyServer server;

    private S3Client client;

    @BeforeEach
    void startServer() throws Exception {
        server = S3ProxyServer.create();
        server.start();
        server.createBucket(S3ProxyServer.BUCKET);
        client = server.client();
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.close();
    }

    private LockRegistry registry() {
        return Slocket.s3(client, S3LockOptions.builder(S3ProxyServer.BUCKET).lease(LEASE)
                .safetyMargin(MARGIN).poll(Duration.ofMillis(10), Duration.ofMillis(200))
                .requestTimeout(Duration.ofSeconds(1)).failureTimeout(FAILURE_TIMEOUT).build());
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void killedServerLossIsReportedAndAcquiringFailsClearlyUntilItIsBack() throws Exception {
        outage(server::stop, server::start);
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void frozenServerLossIsReportedAndAcquiringFailsClearlyUntilItIsBack() throws Exception {
        outage(server::freeze, server::resume);
    }

    private interface Step {
        void run() throws Exception;
    }

    private void outage(Step breakServer, Step repairServer) throws Exception {
        try (LockRegistry holderRegistry = registry(); LockRegistry other = registry()) {
            HeldLock lock = holderRegistry.acquire("outage", Duration.ofSeconds(10));
            long token = lock.fencingToken();
            AtomicLong lostAt = new AtomicLong();
            AtomicReference<String> reason = new AtomicReference<>();
            lock.onLost(loss -> {
                lostAt.set(System.nanoTime());
                reason.set(loss.reason());
            });

            long stopped = System.nanoTime();
            breakServer.run();
            await().atMost(LEASE.plusSeconds(2)).until(() -> lostAt.get() != 0);
            // the last renewal was sent before the stop, so its lease ends within LEASE of it; a
            // contender could take over only MARGIN later
            assertThat(Duration.ofNanos(lostAt.get() - stopped)).as("reported when the lease ends")
                    .isLessThan(LEASE.plus(MARGIN));
            assertThat(reason.get()).contains("could not renew");
            assertThat(lock.isHeld()).isFalse();

            long start = System.nanoTime();
            assertThatThrownBy(() -> other.acquire("outage", Duration.ofSeconds(30)))
                    .isInstanceOf(LockBackendException.class).hasMessageContaining("outage")
                    .hasMessageContaining(S3ProxyServer.BUCKET);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("fails, does not hang")
                    .isLessThan(FAILURE_TIMEOUT.plusSeconds(5));
            assertThatThrownBy(() -> other.tryAcquire("outage")).isInstanceOf(LockBackendException.class);
            lock.release();

            repairServer.run();
            try (HeldLock again = other.acquire("outage", LEASE.multipliedBy(3))) {
                assertThat(again.fencingToken()).isGreaterThan(token);
            }
        }
    }
}
