package dev.slocket.s3;

import dev.slocket.HeldLock;
import dev.slocket.LockBackendException;
import dev.slocket.LockRegistry;
import dev.slocket.LockRegistryContractTest;
import dev.slocket.Slocket;
import dev.slocket.spi.LockNames;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry contract on the S3 backend against a real S3Proxy; plus the request budget of
 * registries taking turns. The budget with deferred deletes and the clean-up of old generations
 * are in {@link S3DeferredDeletesTest}.
 */
class S3LockRegistryTest extends LockRegistryContractTest {

    static final Duration TEST_LEASE = Duration.ofSeconds(3);

    private final String prefix = "contract-" + UUID.randomUUID() + "/";

    private final List<S3Client> clients = new ArrayList<>();

    static S3LockOptions testOptions(String prefix) {
        return S3LockOptions.builder(S3ProxyServer.BUCKET).keyPrefix(prefix).lease(TEST_LEASE)
                .safetyMargin(Duration.ofMillis(500)).poll(Duration.ofMillis(10), Duration.ofMillis(200))
                .requestTimeout(Duration.ofSeconds(5)).failureTimeout(Duration.ofSeconds(5)).build();
    }

    private S3Client client(RequestCounter... counters) throws Exception {
        S3Client client = S3ProxyServer.shared().client(counters);
        clients.add(client);
        return client;
    }

    @Override
    protected LockRegistry createRegistry() throws Exception {
        return Slocket.s3(client(), testOptions(prefix));
    }

    /** Another party creates the next generation, as a takeover would; the holder's next renewal sees it. */
    @Override
    protected void induceLoss(LockRegistry owner, HeldLock lock) throws Exception {
        String folder = new LockKeys(prefix).folder(lock.name());
        LockBody body = Nonces.body(true, "intruder", lock.fencingToken() + 1, 3000);
        client().putObject(request -> request.bucket(S3ProxyServer.BUCKET)
                .key(LockKeys.generationKey(folder, lock.fencingToken() + 1)).ifNoneMatch("*"),
                RequestBody.fromString(body.toJson()));
    }

    @Override
    protected Duration lossDetectionTime() {
        return TEST_LEASE;
    }

    @Override
    protected int fuzzRounds() {
        return 15;
    }

    /** Every hold is a request to the server: fewer names keep the test short. */
    @Override
    protected int manyNames() {
        return 40;
    }

    @AfterEach
    void closeClients() {
        clients.forEach(S3Client::close);
    }

    @Test
    void registriesTakingTurnsSendAtMostFourRequestsEachTurn() throws Exception {
        RequestCounter counter = new RequestCounter();
        S3Client client = client(counter);
        try (LockRegistry one = Slocket.s3(client, testOptions(prefix));
                LockRegistry two = Slocket.s3(client, testOptions(prefix))) {
            counter.reset();
            for (int i = 0; i < 6; i++) {
                (i % 2 == 0 ? one : two).acquire("turns", LONG).release();
                assertThat(counter.reset()).as("requests of turn #" + i + " before deferred deletes")
                        .isLessThanOrEqualTo(4);
            }
        }
    }

    @Test
    void reportsStatusAndWhetherANameIsLocked() throws Exception {
        S3LockBackend backend = new S3LockBackend(client(), testOptions(prefix));
        try (LockRegistry locks = Slocket.registry(backend)) {
            assertThat(backend.status().usable()).isTrue();
            assertThat(backend.status().details()).containsEntry("bucket", S3ProxyServer.BUCKET)
                    .containsEntry("conditionalWrites", "verified at start-up");
            assertThat(backend.status()).as("cached, not one request per call").isSameAs(backend.status());
            try (HeldLock lock = locks.acquire("status", LONG)) {
                assertThat(backend.isLocked("status")).isTrue();
            }
            assertThat(backend.isLocked("status")).isFalse();
        }
        S3LockBackend missing = new S3LockBackend(client(), S3LockOptions.builder("no-such-bucket-here")
                .probe(false).build());
        assertThat(missing.status().usable()).isFalse();
        assertThat(missing.status().reason()).contains("no-such-bucket-here");
        missing.close();
    }

    @Test
    void aMissingBucketFailsConstructionWithAClearMessage() throws Exception {
        S3Client client = client();
        assertThatThrownBy(() -> Slocket.s3(client, "no-such-bucket-here"))
                .isInstanceOf(LockBackendException.class).hasMessageContaining("no-such-bucket-here")
                .hasMessageContaining("404");
    }

    @Test
    void bodiesRoundTripAndForeignBodiesAreRead() {
        LockBody body = new LockBody(true, "o\\\"x", "n", 7, 3000, "2026-01-01T00:00:00Z");
        assertThat(LockBody.parse(body.toJson())).isEqualTo(body);
        assertThat(LockBody.parse("{\"locked\":false}").locked()).isFalse();
        assertThat(LockBody.parse("{\"locked\": true, \"extra\": [1], \"token\": 3}"))
                .satisfies(parsed -> {
                    assertThat(parsed.locked()).isTrue();
                    assertThat(parsed.token()).isEqualTo(3);
                });
    }

    @Test
    void generationKeysSortNewestFirstAndReadBack() {
        String folder = new LockKeys("p/").folder("order");
        List<String> keys = new ArrayList<>(List.of(LockKeys.generationKey(folder, 9), LockKeys.markerKey(folder, 10),
                LockKeys.generationKey(folder, 10), LockKeys.markerKey(folder, 9), LockKeys.generationKey(folder, 11)));
        keys.sort(null);
        assertThat(keys).containsExactly(LockKeys.generationKey(folder, 11), LockKeys.generationKey(folder, 10),
                LockKeys.markerKey(folder, 10), LockKeys.generationKey(folder, 9), LockKeys.markerKey(folder, 9));
        assertThat(keys).extracting(key -> LockKeys.generationOf(folder, key)).containsExactly(11L, 10L, 10L, 9L, 9L);
        assertThat(LockKeys.generationOf(folder, folder + "9".repeat(19))).as("beyond Long.MAX_VALUE").isEqualTo(-1);
        assertThat(LockKeys.generationOf(folder, folder + "notes.txt")).isEqualTo(-1);
    }

    @Test
    void keysUseTheNameEncoding() {
        assertThat(new LockKeys("p/").folder("a/b")).isEqualTo("p/" + LockNames.encode("a/b") + "/");
        assertThat(new LockKeys("p/").folder("x".repeat(255))).hasSizeLessThan(1024);
    }
}
