package dev.slocket.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the sample app over HTTP: two concurrent requests for one report run one after the
 * other; requests for different reports run in parallel.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sample.report.work-time=700ms", "sample.cleanup.interval=1h", "slocket.backend=memory"})
class SampleApplicationTests {

    @TempDir
    static Path lockDirectory;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void locks(DynamicPropertyRegistry registry) {
        registry.add("slocket.socket.directory", () -> lockDirectory.toString());
    }

    @Test
    void requestsForTheSameReportRunOneAfterTheOther() {
        Interval[] runs = concurrently("same", "same");
        assertThat(runs[0].overlaps(runs[1])).as("%s and %s", runs[0], runs[1]).isFalse();
        assertThat(runs[0].token).isNotEqualTo(runs[1].token);
    }

    @Test
    void requestsForDifferentReportsRunInParallel() {
        Interval[] runs = concurrently("left", "right");
        assertThat(runs[0].overlaps(runs[1])).as("%s and %s", runs[0], runs[1]).isTrue();
    }

    private Interval[] concurrently(String firstId, String secondId) {
        CompletableFuture<Interval> first = get(firstId);
        CompletableFuture<Interval> second = get(secondId);
        return new Interval[] {first.join(), second.join()};
    }

    private CompletableFuture<Interval> get(String id) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/reports/" + id))
                .timeout(Duration.ofSeconds(30)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            DocumentContext json = JsonPath.parse(response.body());
            return new Interval(Instant.parse(json.read("$.startedAt")), Instant.parse(json.read("$.finishedAt")),
                    ((Number) json.read("$.fencingToken")).longValue());
        });
    }

    record Interval(Instant start, Instant end, long token) {

        boolean overlaps(Interval other) {
            return start.isBefore(other.end) && other.start.isBefore(end);
        }
    }
}
