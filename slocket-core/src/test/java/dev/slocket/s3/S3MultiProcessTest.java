package dev.slocket.s3;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.testing.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Child JVMs contending for one S3 lock on a real S3Proxy: exclusion checked with a
 * {@code CREATE_NEW} occupancy marker; a SIGKILLed holder is taken over after its lease; a
 * holder frozen past its lease is taken over and learns of the loss when it runs again. All
 * tests share one lock name, and its fencing tokens strictly increase across all of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3MultiProcessTest {

    static final Duration LEASE = Duration.ofSeconds(2);

    static final Duration MARGIN = Duration.ofMillis(500);

    private static final String NAME = "multi-process";

    private static final String PREFIX = "multi-" + UUID.randomUUID() + "/";

    private static final List<Long> TOKENS = new ArrayList<>();

    private static S3Client client;

    private static LockRegistry registry;

    @TempDir
    Path directory;

    private final List<ChildJvm> children = new ArrayList<>();

    /**
     * Contending children use a longer lease: a fresh JVM on a loaded machine can stall for
     * seconds, and a holder stalled past its lease is rightly taken over; that case has its own
     * test (SIGSTOP), with the short lease.
     */
    static final Duration CONTENDER_LEASE = Duration.ofSeconds(15);

    static S3LockOptions options(String prefix, Duration lease) {
        return S3LockOptions.builder(S3ProxyServer.BUCKET).keyPrefix(prefix).lease(lease).safetyMargin(MARGIN)
                .poll(Duration.ofMillis(10), Duration.ofMillis(200)).requestTimeout(Duration.ofSeconds(5))
                .failureTimeout(Duration.ofSeconds(10)).build();
    }

    @BeforeAll
    static void openRegistry() throws Exception {
        client = S3ProxyServer.shared().client();
        registry = Slocket.s3(client, options(PREFIX, LEASE));
    }

    @AfterAll
    static void tokensStrictlyIncreasedAcrossAllTests() {
        registry.close();
        client.close();
        for (int i = 1; i < TOKENS.size(); i++) {
            assertThat(TOKENS.get(i)).as("token #" + i + " of " + TOKENS).isGreaterThan(TOKENS.get(i - 1));
        }
    }

    @BeforeEach
    void noLeftovers() {
        children.clear();
    }

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (ChildJvm child : children) {
            child.close();
        }
    }

    private ChildJvm child(String mode, int rounds) throws Exception {
        Duration lease = mode.equals("hold") ? LEASE : CONTENDER_LEASE;
        ChildJvm child = ChildJvm.start(directory, S3LockChild.class, S3ProxyServer.shared().endpoint().toString(),
                PREFIX, NAME, directory.toString(), mode, Integer.toString(rounds), Long.toString(lease.toMillis()));
        children.add(child);
        return child;
    }

    /** @return the token of a child that holds the lock, recorded in {@link #TOKENS} */
    private ChildJvm holder() throws Exception {
        ChildJvm child = child("hold", 0);
        child.awaitLine("HELD ", Duration.ofSeconds(60));
        TOKENS.add(child.lines().stream().filter(line -> line.startsWith("HELD ")).findFirst()
                .map(line -> Long.parseLong(line.substring(5).trim())).orElseThrow());
        return child;
    }

    /** Takes the lock over from the child that held it last; checks and records the token. */
    private static HeldLock takeOver() {
        long holderToken = TOKENS.get(TOKENS.size() - 1);
        HeldLock lock = registry.acquire(NAME, Duration.ofSeconds(30));
        assertThat(lock.fencingToken()).isGreaterThan(holderToken);
        TOKENS.add(lock.fencingToken());
        return lock;
    }

    @Test
    @Order(1)
    void fourChildJvmsNeverHoldTogetherAndTokensIncrease() throws Exception {
        int rounds = 6;
        List<ChildJvm> contenders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            contenders.add(child("contend", rounds));
        }
        for (ChildJvm contender : contenders) {
            assertThat(contender.awaitExit(Duration.ofSeconds(120))).as(contender.output()).isZero();
            assertThat(contender.output()).contains("DONE").doesNotContain("DOUBLE HOLDER");
        }
        List<String> journal = Files.readAllLines(directory.resolve("journal"));
        assertThat(journal).hasSize(4 * rounds);
        journal.forEach(line -> TOKENS.add(Long.parseLong(line.split(" ")[0])));
    }

    @Test
    @Order(2)
    void aKilledHolderIsTakenOverWithinLeasePlusMarginPlusTwoSeconds() throws Exception {
        holder().kill();
        long killed = System.nanoTime();
        try (HeldLock lock = takeOver()) {
            Duration took = Duration.ofNanos(System.nanoTime() - killed);
            assertThat(took).isLessThanOrEqualTo(LEASE.plus(MARGIN).plusSeconds(2));
            assertThat(took).as("not before the lease ran out").isGreaterThanOrEqualTo(LEASE);
        }
    }

    @Test
    @Order(3)
    void aFrozenHolderIsTakenOverAndLearnsOfTheLossWhenResumed() throws Exception {
        ChildJvm holder = holder();
        long holderToken = TOKENS.get(TOKENS.size() - 1);
        holder.freeze();
        AtomicReference<String> ourLoss = new AtomicReference<>();
        try (HeldLock lock = takeOver()) {
            lock.onLost(loss -> ourLoss.set(loss.reason()));
            holder.resume();
            holder.awaitLine("LOST " + holderToken, LEASE.plusSeconds(3));
            // the resumed holder's renewal attempts must not disturb the new holder: hold over two renewals
            Thread.sleep(LEASE.toMillis());
            assertThat(lock.isHeld()).isTrue();
            assertThat(ourLoss.get()).isNull();
        }
    }
}
