package dev.slocket.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;

import static org.assertj.core.api.Assertions.assertThat;

/** Asks running copies of the sample app for reports over HTTP. */
final class ReportClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Sends both requests at once and waits for both answers.
     *
     * @param first port and report id of the first request
     * @param second port and report id of the second request
     * @return the two runs, in request order
     */
    Run[] concurrently(Request first, Request second) {
        CompletableFuture<Run> one = get(first);
        CompletableFuture<Run> other = get(second);
        return new Run[] {one.join(), other.join()};
    }

    private CompletableFuture<Run> get(Request request) {
        HttpRequest http = HttpRequest.newBuilder(
                URI.create("http://localhost:" + request.port() + "/reports/" + request.id()))
                .timeout(Duration.ofSeconds(30)).build();
        return this.http.sendAsync(http, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            DocumentContext json = JsonPath.parse(response.body());
            return new Run(Instant.parse(json.read("$.startedAt")), Instant.parse(json.read("$.finishedAt")),
                    ((Number) json.read("$.fencingToken")).longValue(), ((Number) json.read("$.pid")).longValue());
        });
    }

    /**
     * @param port the app's HTTP port
     * @param id the report id
     */
    record Request(int port, String id) {
    }

    /** When a report's work ran, under which token, in which process. */
    record Run(Instant start, Instant end, long token, long pid) {

        boolean overlaps(Run other) {
            return start.isBefore(other.end) && other.start.isBefore(end);
        }
    }
}
