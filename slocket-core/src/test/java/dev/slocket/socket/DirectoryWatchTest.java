package dev.slocket.socket;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watch of a lock directory (SL-42) runs only while someone waits: every acquisition of any
 * process changes the directory's shared state, and each change would wake the watch thread of
 * every JVM that once waited there, for as long as the watch ran.
 */
class DirectoryWatchTest {

    @TempDir
    Path directory;

    @Test
    void theWatchStopsOnceNobodyWaitsAndStartsAgainForTheNextWaiter() throws Exception {
        Semaphore first = new Semaphore(0);
        try (DirectoryWatch.Subscription ignored = DirectoryWatch.subscribe(directory, "a.sock", first::release)) {
            Files.createFile(directory.resolve("a.sock"));
            assertThat(first.tryAcquire(10, TimeUnit.SECONDS)).as("event for a.sock").isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !DirectoryWatch.isWatching(directory));
        await().atMost(Duration.ofSeconds(10)).until(() -> !watchThreadRuns());

        Semaphore second = new Semaphore(0);
        try (DirectoryWatch.Subscription ignored = DirectoryWatch.subscribe(directory, "b.sock", second::release)) {
            assertThat(watchThreadRuns()).isTrue();
            Files.createFile(directory.resolve("b.sock"));
            assertThat(second.tryAcquire(10, TimeUnit.SECONDS)).as("event for b.sock").isTrue();
        }
    }

    private boolean watchThreadRuns() {
        String name = "slocket-watch-" + directory.getFileName();
        return Thread.getAllStackTraces().keySet().stream().anyMatch(thread -> thread.getName().equals(name));
    }
}
