package dev.slocket;

import dev.slocket.s3.S3ProxyServer;
import dev.slocket.testing.ChildJvm;
import dev.slocket.testing.ShutdownChild;
import dev.slocket.testing.WorkLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM reaches a plain Java program (no Spring) whose worker thread holds a lock while the
 * program's own shutdown hook keeps the JVM up: the registry's shutdown hook must not release the
 * lock while the worker runs. A waiter in another process acquires only once the work ended or,
 * when the grace period is shorter than the work, once the holder's process exited. The cases
 * share nothing (own directory or lock name) and mostly wait for child JVMs, so they run concurrently.
 */
class ShutdownSignalTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "{0}, grace {2} ms, work {1} ms after SIGTERM")
    @CsvSource({
            "socket, 1500, 20000, true", "file, 1500, 20000, true", "s3, 1500, 20000, true",
            "socket, 15000, 200, false", "file, 15000, 200, false", "s3, 15000, 200, false" })
    void aWaiterInAnotherProcessAcquiresOnlyOnceTheWorkEndedOrItsProcessExited(String backend, long workMillis,
            long graceMillis, boolean workEnds, @TempDir Path temp) throws Exception {
        String location = location(backend, temp);
        String name = "sigterm-" + backend + "-" + graceMillis;
        // the application's own hook waits for the worker, but in the short case not as long as the work lasts
        long hookMillis = workEnds ? 20_000 : 1_000;
        try (ChildJvm holder = ChildJvm.start(temp, ShutdownChild.class, "hold", backend, location, name,
                Long.toString(workMillis), Long.toString(graceMillis), Long.toString(hookMillis));
                ChildJvm waiter = startWaiter(holder, temp, backend, location, name)) {
            holder.terminate();

            waiter.awaitLine(WorkLog.ACQUIRED, BOUND);
            assertThat(holder.awaitExit(BOUND)).as(holder.output()).isNotEqualTo(137);
            assertThat(WorkLog.assertExclusive(holder.lines(), waiter.lines())).as("the work ran to its end")
                    .isEqualTo(workEnds);
            if (!workEnds) {
                assertThat(holder.output()).contains("'" + name + "'", "is still held by thread 'worker'");
            }
        }
    }

    private static ChildJvm startWaiter(ChildJvm holder, Path temp, String backend, String location, String name)
            throws Exception {
        holder.awaitLine(WorkLog.WORK, BOUND);
        ChildJvm waiter = ChildJvm.start(temp, ShutdownChild.class, "wait", backend, location, name);
        waiter.awaitLine("WAITING", BOUND);
        return waiter;
    }

    static String location(String backend, Path temp) throws Exception {
        if (backend.equals("s3")) {
            return S3ProxyServer.shared().endpoint().toString();
        }
        return Files.createDirectory(temp.resolve("locks")).toString();
    }
}
