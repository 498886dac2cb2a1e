package dev.slocket.spring.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees over HTTP on the socket backend while one call holds {@code report-42}
 * and a second one waits for it: health with details, the locks endpoint, and the meters.
 */
@SpringBootTest(classes = OpsTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=health,locks,metrics",
                "management.endpoint.health.show-details=always" })
class ActuatorHttpTests {

    private static final Path LOCKS = createDirectory();

    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * The two calls block, so each needs a thread of its own: in {@code CompletableFuture}'s default
     * pool the second would wait for the first (one thread on a 2-CPU machine from JDK 25 on).
     */
    private final ExecutorService callers = Executors.newFixedThreadPool(2);

    @LocalServerPort
    private int port;

    @Autowired
    private GateService service;

    @DynamicPropertySource
    static void lockDirectory(DynamicPropertyRegistry registry) {
        registry.add("slocket.socket.directory", LOCKS::toString);
    }

    /** Lets calls of a failed test return, so that no lock is held when its directory is removed. */
    @AfterEach
    void openGates() throws InterruptedException {
        service.open("first");
        service.open("second");
        callers.shutdown();
        assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).as("the calls returned").isTrue();
    }

    @AfterAll
    static void removeDirectory() throws IOException {
        FileSystemUtils.deleteRecursively(LOCKS);
    }

    @Test
    void healthLocksAndMetricsShowAHeldAndAnAwaitedLock() throws Exception {
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> call("first"), callers);
        assertThat(service.awaitEntered("first")).isTrue();
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> call("second"), callers);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> (int) read("/actuator/locks", "$.locks[0].localWaiters") == 1);

        assertThat((String) read("/actuator/health", "$.components.slocket.status")).isEqualTo("UP");
        Map<String, Object> health = read("/actuator/health", "$.components.slocket.details");
        assertThat(health).containsEntry("backend", "socket").containsEntry("directory", LOCKS.toString())
                .containsEntry("held", 1).containsEntry("waiting", 1).containsEntry("lostLocks", 0);

        List<Map<String, Object>> locks = read("/actuator/locks", "$.locks");
        assertThat(locks).singleElement().satisfies(lock -> assertThat(lock).containsEntry("name", "report-42")
                .containsEntry("backend", "socket").containsEntry("state", "HELD").containsEntry("localWaiters", 1)
                .containsKeys("since", "heldFor", "fencingToken"));
        assertThat((String) read("/actuator/locks/report-42", "$.state")).isEqualTo("HELD");
        assertThat(get("/actuator/locks/report-7").statusCode()).isEqualTo(404);

        assertThat(meter("slocket.locks.held", "")).isEqualTo(1.0);
        assertThat(meter("slocket.locks.waiting", "")).isEqualTo(1.0);

        service.open("first");
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(service.awaitEntered("second")).isTrue();
        service.open("second");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("second");

        String template = "&tag=" + URLEncoder.encode("lock:report-#{#id}", StandardCharsets.UTF_8);
        assertThat(meter("slocket.lock.wait", "?tag=outcome:acquired" + template)).isEqualTo(2.0);
        assertThat(meter("slocket.lock.hold", "?tag=outcome:released" + template)).isEqualTo(2.0);
        List<String> lockTags = read("/actuator/metrics/slocket.lock.wait",
                "$.availableTags[?(@.tag=='lock')].values[*]");
        assertThat(lockTags).as("the template, never an evaluated name").containsExactly("report-#{#id}");
        assertThat(meter("slocket.locks.held", "")).isZero();
    }

    private String call(String gate) {
        try {
            return service.hold("42", gate);
        }
        catch (InterruptedException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private double meter(String name, String query) throws Exception {
        return this.<Number>read("/actuator/metrics/" + name + query, "$.measurements[0].value").doubleValue();
    }

    @SuppressWarnings("unchecked")
    private <T> T read(String path, String jsonPath) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return (T) JsonPath.read(response.body(), jsonPath);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Path createDirectory() {
        try {
            return Files.createTempDirectory("slocket-ops");
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
