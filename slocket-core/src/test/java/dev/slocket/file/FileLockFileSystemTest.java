package dev.slocket.file;

import dev.slocket.LockBackendException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** FL-12, FL-49: the file backend reaches the file system only through the injected {@link LockFileSystem}. */
class FileLockFileSystemTest {

    @TempDir
    Path directory;

    /**
     * FL-12 (misc.test.js › "should always use options.fs"): the backend's directory lies below a
     * regular file, so every real access to it fails; the injected file system maps it onto a real
     * directory. Lock, wait, check, health, heartbeat, stale takeover and unlock all work, so each of
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
            assertThat(backend.status().usable()).as("health check").isTrue();
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
        assertThat(List.of("prepareDirectory", "createDirectory", "stat", "setMtime", "delete",
                "move", "tryLock", "nextToken", "watchDeletions", "directoryProblem")).allSatisfy(
                        operation -> assertThat(fs.calls(operation)).as(operation).isPositive());
        assertThat(realRoot.resolve(".slocket-tokens")).isRegularFile();
        assertThat(realRoot.resolve(".slocket-rights")).isRegularFile();
    }

    /** FL-12 for the path form: lock (realpath on), check, heartbeat and unlock through the injected file system only. */
    @Test
    void fl12ThePathFormGoesThroughTheInjectedFileSystemToo() throws Exception {
        Path virtualRoot = Files.createFile(directory.resolve("regular-file")).resolve("files");
        Path realRoot = Files.createDirectory(directory.resolve("real"));
        Files.createFile(realRoot.resolve("data.json"));
        Path file = virtualRoot.resolve("data.json");
        RelocatingLockFileSystem fs = new RelocatingLockFileSystem(virtualRoot, realRoot);
        PathLockOptions options = PathLockOptions.builder().timing(new LockTiming(Duration.ofSeconds(2), null)).build();
        try (LockDirEngine engine = new LockDirEngine(new StaleTakeover(), fs)) {
            FileLock lock = FileLocks.lock(file, options, engine);
            assertThat(lock.lockDirectory()).isEqualTo(virtualRoot.resolve("data.json.lock"));
            assertThat(realRoot.resolve("data.json.lock")).isDirectory();
            assertThat(FileLocks.check(file, options, engine)).isTrue();
            int writes = fs.calls("setMtime");
            await().atMost(Duration.ofSeconds(4)).until(() -> fs.calls("setMtime") > writes);
            assertThat(lock.isHeld()).isTrue();

            FileLocks.unlock(file, options, fs);
            assertThat(realRoot.resolve("data.json.lock")).doesNotExist();
            assertThat(FileLocks.check(file, options, engine)).isFalse();
        }
        assertThat(fs.calls("realPath")).isEqualTo(4);
    }

    /** FL-12 (lock.test.js › "should use a custom fs"), FL-49: a realpath error of the injected file system is the cause. */
    @Test
    void fl12AndFl49ARealpathErrorOfTheInjectedFileSystemPropagates() throws Exception {
        IOException error = new FileSystemException("data.json", null, "EPERM: realpath refused");
        DelegatingLockFileSystem fs = new DelegatingLockFileSystem() {
            @Override
            public Path realPath(Path path) throws IOException {
                throw error;
            }
        };
        Path file = Files.createFile(directory.resolve("data.json"));
        PathLockOptions options = PathLockOptions.defaults();
        try (LockDirEngine engine = new LockDirEngine(new StaleTakeover(), fs)) {
            assertThatThrownBy(() -> FileLocks.lock(file, options, engine)).isInstanceOf(LockBackendException.class)
                    .hasMessageContaining("EPERM: realpath refused").hasCause(error);
            assertThatThrownBy(() -> FileLocks.check(file, options, engine)).hasCause(error);
            assertThatThrownBy(() -> FileLocks.unlock(file, options, fs)).hasCause(error);
        }
        assertThat(directory.resolve("data.json.lock")).doesNotExist();
    }
}
