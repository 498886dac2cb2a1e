package dev.slocket.sample;

import dev.slocket.testing.ChildJvm;
import dev.slocket.testing.ShutdownChild;
import dev.slocket.testing.WorkLog;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample runs with {@code java -jar}, and SIGTERM during a report lets the report
 * finish before a plain program in another process gets its lock (the rolling-deploy case).
 */
class ExecutableJarIT {

    private static final Duration BOUND = Duration.ofSeconds(90);

    private static final String REPORT_BUILT = "Report 42 built at ";

    @Test
    void sigtermDuringAReportHandsItsLockOnOnlyOnceTheReportIsBuilt(@TempDir Path temp) throws Exception {
        Path locks = Files.createDirectory(temp.resolve("locks"));
        int port = freePort();
        try (ChildJvm app = ChildJvm.startJar(temp, Path.of(System.getProperty("sample.jar")),
                "--server.port=" + port, "--slocket.socket.directory=" + locks, "--sample.report.work-time=3s",
                "--sample.cleanup.interval=1h")) {
            app.awaitLine("Started SampleApplication", BOUND);
            CompletableFuture<HttpResponse<String>> report = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/reports/42")).build(),
                    HttpResponse.BodyHandlers.ofString());
            app.awaitLine("Building report 42", BOUND);
            try (ChildJvm waiter = ChildJvm.start(temp, ShutdownChild.class, "wait", "socket", locks.toString(),
                    "report-42")) {
                waiter.awaitLine("WAITING", BOUND);
                app.terminate();

                app.awaitLine(REPORT_BUILT, BOUND);
                Instant finished = builtAt(app);
                try {
                    HttpResponse<String> response = report.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(Instant.parse(JsonPath.read(response.body(), "$.finishedAt"))).isEqualTo(finished);
                }
                catch (ExecutionException ex) {
                    assertClosedByTomcatsGracefulShutdown(ex, app);
                }
                waiter.awaitLine(WorkLog.ACQUIRED, BOUND);
                long acquired = waiter.lines().stream().filter(line -> line.startsWith(WorkLog.ACQUIRED + " "))
                        .mapToLong(line -> Long.parseLong(line.substring(WorkLog.ACQUIRED.length() + 1))).max()
                        .getAsLong();
                assertThat(acquired).as("the waiter acquired before the report was built")
                        .isGreaterThanOrEqualTo(finished.toEpochMilli());
                app.awaitExit(BOUND);
            }
        }
    }

    /** @return the instant the app logged when the report was built, with the lock still held */
    private static Instant builtAt(ChildJvm app) {
        String line = app.lines().stream().filter(each -> each.contains(REPORT_BUILT)).findFirst().orElseThrow();
        return Instant.parse(line.substring(line.indexOf(REPORT_BUILT) + REPORT_BUILT.length()).trim());
    }

    /**
     * Spring Boot's graceful shutdown of Tomcat counts a request as done once its servlet returns,
     * before Tomcat writes the response, and then stops the server: now and then (3 of 60 runs
     * under load) the connection closes with no response at all, whatever the request did. The
     * report must still have been built, and the server must have waited for it.
     */
    private static void assertClosedByTomcatsGracefulShutdown(ExecutionException failure, ChildJvm app) {
        assertThat(failure).as("the report request failed; the app's output:%n%s", app.output())
                .hasCauseInstanceOf(IOException.class);
        List<String> lines = app.lines();
        int built = indexOf(lines, REPORT_BUILT);
        assertThat(indexOf(lines, "Graceful shutdown complete")).as(app.output()).isGreaterThan(built);
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
