package dev.slocket.spring.lifecycle;

import dev.slocket.s3.S3ProxyServer;
import dev.slocket.testing.ChildJvm;
import dev.slocket.testing.ShutdownChild;
import dev.slocket.testing.WorkLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM reaches a Spring Boot application while its {@code @Mutexed} job works: a waiter in
 * another process acquires only once the job ended or, when the shutdown phase times out before
 * the job ends, once the application's process exited. The cases share nothing (own directory or
 * lock name) and mostly wait for child JVMs, so they run concurrently.
 */
class SigtermShutdownTests {

    private static final Duration BOUND = Duration.ofSeconds(60);

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "{0}, phase {2}, work {1} after SIGTERM")
    @CsvSource({
            "socket, 1500ms, 20s, true", "file, 1500ms, 20s, true", "s3, 1500ms, 20s, true",
            "socket, 15s, 500ms, false", "file, 15s, 500ms, false", "s3, 15s, 500ms, false" })
    void aWaiterInAnotherProcessAcquiresOnlyOnceTheJobEndedOrItsProcessExited(String backend, String work,
            String phase, boolean jobEnds, @TempDir Path temp) throws Exception {
        String location = (backend.equals("s3")) ? S3ProxyServer.shared().endpoint().toString()
                : Files.createDirectory(temp.resolve("locks")).toString();
        String name = "sigterm-" + backend + "-" + phase;
        List<String> args = new ArrayList<>(List.of("--job.lock=" + name, "--job.work=" + work,
                "--spring.lifecycle.timeout-per-shutdown-phase=" + phase, "--slocket.backend=" + backend));
        args.addAll(backendArgs(backend, location));
        try (ChildJvm application = ChildJvm.start(temp, SignalledApplication.class, args.toArray(String[]::new))) {
            application.awaitLine(WorkLog.WORK, BOUND);
            try (ChildJvm waiter = ChildJvm.start(temp, ShutdownChild.class, "wait", backend, location, name)) {
                waiter.awaitLine("WAITING", BOUND);
                application.terminate();

                waiter.awaitLine(WorkLog.ACQUIRED, BOUND);
                application.awaitExit(BOUND);
                assertThat(WorkLog.assertExclusive(application.lines(), waiter.lines())).as("the job ran to its end")
                        .isEqualTo(jobEnds);
                if (!jobEnds) {
                    assertThat(application.output()).contains("'" + name + "'", "is still held by thread 'worker'");
                }
            }
        }
    }

    /** The timings of {@link ShutdownChild#backend}, so that the waiter and the application agree. */
    private static List<String> backendArgs(String backend, String location) {
        return switch (backend) {
            case "socket" -> List.of("--slocket.socket.directory=" + location);
            case "file" -> List.of("--slocket.file.directory=" + location, "--slocket.file.stale=2s");
            default -> List.of("--slocket.s3.endpoint=" + location, "--slocket.s3.bucket=" + S3ProxyServer.BUCKET,
                    "--slocket.s3.region=us-east-1", "--slocket.s3.path-style-access=true",
                    "--slocket.s3.key-prefix=shutdown/", "--slocket.s3.lease=2s", "--slocket.s3.safety-margin=500ms");
        };
    }
}
