package dev.slocket.sample;

import dev.slocket.testing.ChildJvm;
import dev.slocket.testing.ShutdownChild;
import dev.slocket.testing.WorkLog;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

                HttpResponse<String> response;
                try {
                    response = report.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                }
                catch (ExecutionException ex) {
                    throw new AssertionError("the report request failed; the app's output:\n" + app.output()
                            + "\nthe waiter's output:\n" + waiter.output(), ex);
                }
                assertThat(response.statusCode()).isEqualTo(200);
                waiter.awaitLine(WorkLog.ACQUIRED, BOUND);
                long acquired = waiter.lines().stream().filter(line -> line.startsWith(WorkLog.ACQUIRED + " "))
                        .mapToLong(line -> Long.parseLong(line.substring(WorkLog.ACQUIRED.length() + 1))).max()
                        .getAsLong();
                Instant finished = Instant.parse(JsonPath.read(response.body(), "$.finishedAt"));
                assertThat(acquired).as("the waiter acquired before the report was built")
                        .isGreaterThanOrEqualTo(finished.toEpochMilli());
                app.awaitExit(BOUND);
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
