package dev.slocket.s3;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The requests an acquisition costs once deferred deletes are counted, and the clean-up of old
 * generations, against a real S3Proxy. Each test waits out {@link DeferredDeletes#KEEP}, a constant
 * of the protocol, while sending a handful of requests: the tests run concurrently (each with its
 * own key prefix, clients and counters) so that the waits overlap.
 */
class S3DeferredDeletesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final String prefix = "deletes-" + UUID.randomUUID() + "/";

    private final List<S3Client> clients = new ArrayList<>();

    private S3Client lister;

    private S3Client client(RequestCounter... counters) throws Exception {
        S3Client client = S3ProxyServer.shared().client(counters);
        clients.add(client);
        return client;
    }

    private LockRegistry registry(RequestCounter... counters) throws Exception {
        return Slocket.s3(client(counters), S3LockRegistryTest.testOptions(prefix));
    }

    @AfterEach
    void closeClients() {
        clients.forEach(S3Client::close);
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void uncontendedAcquireAndReleaseCostAtMostFourRequests() throws Exception {
        RequestCounter counter = new RequestCounter();
        int cycles = 6;
        try (LockRegistry locks = registry(counter)) {
            counter.reset();
            locks.acquire("budget", WAIT).release();
            assertThat(counter.reset()).as("list (empty), create, mark released").isEqualTo(3);
            for (int i = 1; i < cycles; i++) {
                locks.acquire("budget", WAIT).release();
                assertThat(counter.count()).as("create, mark released, after cycle #" + i).isEqualTo(2 * i);
            }
            awaitOnlyNewestLeft("budget");
            assertThat(counter.count()).as("plus the deferred deletes of superseded generations")
                    .isBetween(2 * (cycles - 1) + 1, 3 * (cycles - 1));
        }
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void aRegistryNewToALockWithHistoryStaysWithinFourRequests() throws Exception {
        try (LockRegistry first = registry()) {
            first.acquire("history", WAIT).release();
        }
        RequestCounter counter = new RequestCounter();
        try (LockRegistry locks = registry(counter)) {
            counter.reset();
            locks.acquire("history", WAIT).release();
            assertThat(counter.count()).as("list, create, mark released").isEqualTo(3);
            awaitOnlyNewestLeft("history");
            assertThat(counter.count()).as("and one deferred delete of the generation before").isEqualTo(4);
        }
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void aNewRegistryDeletesLeftoversAndTheGenerationItSupersedesInOneRequest() throws Exception {
        try (LockRegistry closedEarly = registry()) {
            for (int i = 0; i < 3; i++) {
                closedEarly.acquire("leftovers", WAIT).release();
            }
        }
        RequestCounter counter = new RequestCounter();
        try (LockRegistry locks = registry(counter)) {
            counter.reset();
            locks.acquire("leftovers", WAIT).release();
            awaitOnlyNewestLeft("leftovers");
            assertThat(counter.count()).as("list, create, mark released, one delete of generations 1 to 3")
                    .isEqualTo(4);
        }
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void supersededGenerationsAreKeptForAWhileAfterANewerOneIsSeen() throws Exception {
        try (LockRegistry locks = registry()) {
            locks.acquire("kept", WAIT).release();
            String folder = new LockKeys(prefix).folder("kept");
            long newerCreated = System.nanoTime();
            locks.acquire("kept", WAIT).release();
            assertThat(keys(folder)).as("generation 1 is still there right after generation 2")
                    .contains(LockKeys.generationKey(folder, 1), LockKeys.markerKey(folder, 1));
            awaitOnlyNewestLeft("kept");
            assertThat(Duration.ofNanos(System.nanoTime() - newerCreated))
                    .as("deleted no earlier than KEEP after generation 2 was created")
                    .isGreaterThanOrEqualTo(DeferredDeletes.KEEP);
        }
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void oldGenerationsAreCleanedUp() throws Exception {
        try (LockRegistry locks = registry()) {
            for (int i = 0; i < 6; i++) {
                locks.acquire("cleanup", WAIT).release();
            }
            try (LockRegistry other = registry()) {
                other.acquire("cleanup", WAIT).release();
            }
            // the closed registry's own deferred delete is dropped; the next acquisition lists and picks it up
            locks.acquire("cleanup", WAIT).release();
            awaitOnlyNewestLeft("cleanup");
        }
    }

    /** Waits until only the newest generation of {@code name} and its marker are left. */
    private void awaitOnlyNewestLeft(String name) throws Exception {
        String folder = new LockKeys(prefix).folder(name);
        await().atMost(DeferredDeletes.KEEP.multipliedBy(3)).untilAsserted(() -> {
            List<String> keys = keys(folder);
            assertThat(keys).hasSize(2);
            long newest = LockKeys.generationOf(folder, keys.get(0));
            assertThat(keys).containsExactly(LockKeys.generationKey(folder, newest),
                    LockKeys.markerKey(folder, newest));
        });
    }

    private List<String> keys(String folder) throws Exception {
        if (lister == null) {
            lister = client();
        }
        return lister.listObjectsV2(request -> request.bucket(S3ProxyServer.BUCKET).prefix(folder)).contents()
                .stream().map(object -> object.key()).toList();
    }
}
