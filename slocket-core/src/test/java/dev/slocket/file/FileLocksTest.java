package dev.slocket.file;

import dev.slocket.LockBackendException;
import dev.slocket.LockTimeoutException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The path form, ported from {@code proper-lockfile}'s lock, check, unlock and release tests (spec §13). */
class FileLocksTest {

    private static final PathLockOptions NO_REALPATH = PathLockOptions.builder().realpath(false).build();

    @TempDir
    Path tmp;

    private Path file(String name) throws Exception {
        return Files.writeString(tmp.resolve(name), "");
    }

    /** FL-9 "should fail if the file does not exist by default" / "… not fail … realpath is false". */
    @Test
    void missingFileFailsWithRealpathAndIsFineWithout() {
        Path missing = tmp.resolve("some-file-that-will-never-exist");
        assertThatThrownBy(() -> FileLocks.lock(missing)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("does not exist").hasMessageContaining("realpath");
        assertThatThrownBy(() -> FileLocks.check(missing)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("does not exist");
        try (FileLock lock = FileLocks.lock(missing, NO_REALPATH)) {
            assertThat(tmp.resolve("some-file-that-will-never-exist.lock")).isDirectory();
        }
    }

    /** FL-18 "should fail if impossible to create the lockfile because directory does not exist". */
    @Test
    void missingParentIsAClearError() {
        Path inMissingDir = tmp.resolve("some-dir-that-will-never-exist/foo");
        assertThatThrownBy(() -> FileLocks.lock(inMissingDir, NO_REALPATH)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("some-dir-that-will-never-exist does not exist");
    }

    /** FL-17 "should create the lockfile", FL-21 "should fail if already locked", FL-46, FL-44. */
    @Test
    void createsTheLockDirectoryExcludesASecondLockAndReleaseRemovesIt() throws Exception {
        Path foo = file("foo");
        FileLock lock = FileLocks.lock(foo);
        assertThat(tmp.resolve("foo.lock")).isDirectory();
        assertThat(lock.lockDirectory()).isEqualTo(foo.toRealPath().resolveSibling("foo.lock"));
        assertThatThrownBy(() -> FileLocks.lock(foo)).isInstanceOf(LockTimeoutException.class)
                .hasMessageContaining(foo.toRealPath().toString());
        lock.release();
        assertThat(tmp.resolve("foo.lock")).doesNotExist();
        FileLocks.lock(foo).release();
    }

    /** FL-11 "should create the lockfile inside a folder": lockfilePath is used as written. */
    @Test
    void lockfilePathIsUsedAsWritten() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        Path inside = dir.resolve("dir.lock");
        try (FileLock lock = FileLocks.lock(dir, PathLockOptions.builder().lockfilePath(inside).build())) {
            assertThat(inside).isDirectory();
            assertThat(tmp.resolve("dir.lock")).doesNotExist();
        }
        assertThat(inside).doesNotExist();
    }

    /** FL-15, FL-48, FL-55: with realpath, a symlink and its target are one lock. */
    @Test
    void symlinksResolveByDefault() throws Exception {
        Path foo = file("foo");
        Path bar = Files.createSymbolicLink(tmp.resolve("bar"), foo);
        FileLocks.lock(bar);
        assertThat(tmp.resolve("foo.lock")).isDirectory();
        assertThat(FileLocks.check(bar)).isTrue();
        assertThat(FileLocks.check(foo)).isTrue();
        assertThatThrownBy(() -> FileLocks.lock(foo)).isInstanceOf(LockTimeoutException.class);
        FileLocks.unlock(bar);
        assertThat(tmp.resolve("foo.lock")).doesNotExist();
    }

    /** FL-16, FL-48, FL-55: without realpath, a symlink and its target are different locks. */
    @Test
    void symlinksAreDistinctWithoutRealpath() throws Exception {
        Path foo = file("foo");
        Path bar = Files.createSymbolicLink(tmp.resolve("bar"), foo);
        try (FileLock viaLink = FileLocks.lock(bar, NO_REALPATH); FileLock viaTarget = FileLocks.lock(foo, NO_REALPATH)) {
            assertThat(tmp.resolve("bar.lock")).isDirectory();
            assertThat(tmp.resolve("foo.lock")).isDirectory();
            assertThat(FileLocks.check(bar, NO_REALPATH)).isTrue();
        }
        try (FileLock viaLink = FileLocks.lock(bar, NO_REALPATH)) {
            assertThat(FileLocks.check(foo, NO_REALPATH)).isFalse();
            assertThatThrownBy(() -> FileLocks.unlock(foo, NO_REALPATH)).isInstanceOf(IllegalStateException.class);
        }
    }

    /** FL-53 "should resolve with true/false", FL-52: a stale lock directory counts as unlocked. */
    @Test
    void checkSeesFreshLocksOnly() throws Exception {
        Path foo = file("foo");
        assertThat(FileLocks.check(foo)).isFalse();
        Path lockDir = Files.createDirectory(tmp.resolve("foo.lock"));
        assertThat(FileLocks.check(foo)).isTrue();
        Files.setLastModifiedTime(lockDir, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 2200));
        assertThat(FileLocks.check(foo, PathLockOptions.builder().timing(new LockTiming(Duration.ofMillis(100), null)).build())).isFalse();
        assertThat(FileLocks.check(foo)).as("default stale is 10 s").isTrue();
    }

    /** FL-45 "should fail if the lock is not acquired". */
    @Test
    void unlockOfALockNotHeldFails() throws Exception {
        Path foo = file("foo");
        assertThatThrownBy(() -> FileLocks.unlock(foo)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Lock is not acquired/owned by you");
    }

    /** FL-50: unlock removes the lock directory recorded at lock time, whatever the unlock call's options. */
    @Test
    void unlockRemovesTheRecordedLockDirectory() throws Exception {
        Path foo = file("foo");
        Path custom = tmp.resolve("custom.lock");
        FileLocks.lock(foo, PathLockOptions.builder().lockfilePath(custom).build());
        FileLocks.unlock(foo);
        assertThat(custom).doesNotExist();
    }

    /** FL-43 (made idempotent per DESIGN §3), FL-51: a released handle never releases a newer lock. */
    @Test
    void releaseIsIdempotentAndBoundToItsInstance() throws Exception {
        Path foo = file("foo");
        FileLock first = FileLocks.lock(foo);
        first.release();
        FileLock second = FileLocks.lock(foo);
        first.release();
        first.close();
        assertThat(second.isHeld()).isTrue();
        assertThat(FileLocks.check(foo)).isTrue();
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        second.release();
    }

    /** FL-7, FL-57 (waiting instead of retries): a waiting lock gets the file once its holder releases. */
    @Test
    void waitsForTheHolderWhenAskedTo() throws Exception {
        Path foo = file("foo");
        FileLock holder = FileLocks.lock(foo);
        CompletableFuture<FileLock> waiting = CompletableFuture.supplyAsync(
                () -> FileLocks.lock(foo, PathLockOptions.builder().acquireTimeout(Duration.ofSeconds(10)).build()));
        holder.release();
        FileLock lock = waiting.get(10, TimeUnit.SECONDS);
        assertThat(lock.isHeld()).isTrue();
        lock.release();
    }

    /** FL-32, FL-38, FL-39: a vanished lock directory is reported once; the file can be locked again at once. */
    @Test
    void vanishedLockDirectoryIsReportedAndTheFileCanBeLockedAgain() throws Exception {
        Path foo = file("foo");
        FileLock lock = FileLocks.lock(foo, PathLockOptions.builder().timing(new LockTiming(Duration.ofSeconds(2), null)).build());
        CompletableFuture<String> lost = new CompletableFuture<>();
        lock.onLost(loss -> lost.complete(loss.reason()));
        Files.delete(lock.lockDirectory());
        assertThat(lost.get(3, TimeUnit.SECONDS)).contains("vanished");
        assertThat(lock.isHeld()).isFalse();
        assertThatThrownBy(() -> FileLocks.unlock(foo)).isInstanceOf(IllegalStateException.class);
        FileLocks.lock(foo).release();
    }
}
