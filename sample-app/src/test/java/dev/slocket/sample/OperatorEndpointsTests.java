package dev.slocket.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's application.yml exposes health (with details), locks and metrics. The report is
 * built for 10 s so that the lock is still held after the test's five requests, even on a loaded
 * machine (with 2 s it was released before the fourth, under a load average of 40).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "sample.report.work-time=10s", "sample.cleanup.interval=1h" })
class OperatorEndpointsTests {

    @TempDir
    static Path lockDirectory;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void locks(DynamicPropertyRegistry registry) {
        registry.add("slocket.socket.directory", () -> lockDirectory.toString());
    }

    @Test
    void anOperatorSeesTheReportLockWhileItIsBuilt() throws Exception {
        CompletableFuture<HttpResponse<String>> report = http.sendAsync(request("/reports/5"),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/actuator/locks").contains("report-5"));
        assertThat(JsonPath.<String>read(get("/actuator/locks/report-5"), "$.state")).isEqualTo("HELD");
        assertThat(JsonPath.<String>read(get("/actuator/health"), "$.components.slocket.status")).isEqualTo("UP");
        assertThat(JsonPath.<Integer>read(get("/actuator/health"), "$.components.slocket.details.held")).isEqualTo(1);
        assertThat(JsonPath.<Double>read(get("/actuator/metrics/slocket.locks.held"), "$.measurements[0].value"))
                .isEqualTo(1.0);
        assertThat(report.get().statusCode()).isEqualTo(200);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(request(path), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return response.body();
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
    }
}
