package dev.slocket.spring.actuate;

import dev.slocket.socket.SocketLockWorker;
import dev.slocket.testing.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the context lets the {@code @Mutexed} call in flight finish, then releases its lock so
 * that a waiter in another process acquires at once.
 */
class GracefulShutdownTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Threads of their own: the common pool may have one thread, which the call in flight blocks. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void aWaiterInAnotherProcessAcquiresAsSoonAsTheContextCloses(@TempDir Path temp) throws Exception {
        Path locks = Files.createDirectory(temp.resolve("locks"));
        Path work = Files.createDirectory(temp.resolve("work"));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OpsTestApplication.class)
                .web(WebApplicationType.NONE).run("--slocket.socket.directory=" + locks);
        GateService service = context.getBean(GateService.class);
        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> {
            try {
                return service.hold("1", "in-flight");
            }
            catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        }, threads);
        assertThat(service.awaitEntered("in-flight")).isTrue();
        try (ChildJvm child = ChildJvm.start(work, SocketLockWorker.class, locks.toString(), work.toString(), "WAIT",
                "report-1", "once", "child", "0")) {
            child.awaitLine("WAITING child", WAIT);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close, threads);

            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> !closing.isDone() && !call.isDone());
            assertThat(child.output()).doesNotContain("ACQUIRED");

            service.open("in-flight");
            assertThat(call.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("in-flight");
            closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            child.awaitLine("ACQUIRED child", Duration.ofSeconds(5));
            assertThat(child.awaitExit(WAIT)).isZero();
        }
    }
}
