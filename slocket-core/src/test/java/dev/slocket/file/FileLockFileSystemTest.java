package dev.slocket.file;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** FL-12: the file backend reaches the file system only through the injected {@link LockFileSystem}. */
class FileLockFileSystemTest {

    @TempDir
    Path directory;

    /**
     * FL-12 (misc.test.js › "should always use options.fs"): the backend's directory lies below a
     * regular file, so every real access to it fails; the injected file system maps it onto a real
     * directory. Lock, wait, stale takeover, check, heartbeat and unlock all work, so each of
     * their accesses went through the injected file system.
     */
    @Test
    void fl12EveryAccessOfLockCheckHeartbeatAndUnlockGoesThroughTheInjectedFileSystem() throws Exception {
        Path virtualRoot = Files.createFile(directory.resolve("regular-file")).resolve("locks");
        Path realRoot = Files.createDirectory(directory.resolve("real"));
        RelocatingLockFileSystem fs = new RelocatingLockFileSystem(virtualRoot, realRoot);
        FileLockOptions options = FileLockOptions.builder(virtualRoot).stale(Duration.ofSeconds(2))
                .watchPollInterval(Duration.ofMillis(50)).build();
        List<String> losses = new CopyOnWriteArrayList<>();
        try (FileLockBackend backend = new FileLockBackend(options, new StaleTakeover(), fs)) {
            BackendLock lock = backend.acquire("a", Deadline.after(Duration.ZERO), losses::add);
            assertThat(lock).isNotNull();
            assertThat(realRoot.resolve("a.lock")).isDirectory();
            assertThat(backend.isLocked("a")).isTrue();
            assertThat(backend.acquire("a", Deadline.after(Duration.ofMillis(200)), losses::add)).isNull();

            int writes = fs.calls("setMtime");
            await().atMost(Duration.ofSeconds(4)).until(() -> fs.calls("setMtime") > writes);

            Path staleDir = Files.createDirectory(realRoot.resolve("b.lock"));
            Files.setLastModifiedTime(staleDir, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
            BackendLock takenOver = backend.acquire("b", Deadline.after(Duration.ZERO), losses::add);
            assertThat(takenOver).isNotNull();
            assertThat(backend.takeovers()).isEqualTo(1);

            lock.release();
            takenOver.release();
            assertThat(realRoot.resolve("a.lock")).doesNotExist();
            assertThat(realRoot.resolve("b.lock")).doesNotExist();
            assertThat(backend.isLocked("a")).isFalse();
            assertThat(losses).isEmpty();
        }
        assertThat(List.of("createDirectories", "isWritable", "createDirectory", "stat", "setMtime", "delete",
                "move", "tryLock", "nextToken", "watchDeletions")).allSatisfy(
                        operation -> assertThat(fs.calls(operation)).as(operation).isPositive());
        assertThat(realRoot.resolve("a.lock.fence")).isRegularFile();
        assertThat(realRoot.resolve("b.lock.takeover")).isRegularFile();
    }
}
