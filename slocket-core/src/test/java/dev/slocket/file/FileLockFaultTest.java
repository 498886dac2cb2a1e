package dev.slocket.file;

import dev.slocket.LockBackendException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Fault injection through {@link LockFileSystem}: the §13 cases that fake the original's {@code fs}. */
class FileLockFaultTest {

    private static final Duration STALE = Duration.ofSeconds(2);

    @TempDir
    Path directory;

    private final List<FileLockBackend> backends = new ArrayList<>();

    private final List<String> losses = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        backends.forEach(FileLockBackend::close);
    }

    private FileLockBackend backend(Path dir, LockFileSystem fs) {
        FileLockOptions options = FileLockOptions.builder(dir).stale(STALE).build();
        FileLockBackend backend = new FileLockBackend(options, new StaleTakeover(), fs);
        backends.add(backend);
        return backend;
    }

    private FileLockBackend backend(LockFileSystem fs) {
        return backend(directory, fs);
    }

    private BackendLock lockNow(FileLockBackend backend, String name) throws InterruptedException {
        return backend.acquire(name, Deadline.after(Duration.ZERO), losses::add);
    }

    private static FileTime mtime(Path path) throws IOException {
        return Files.getLastModifiedTime(path);
    }

    private static IOException failure(Path path, String reason) {
        return new FileSystemException(path.toString(), null, reason);
    }

    /** FL-19: the lock directory vanishes between {@code mkdir} and the staleness stat: one more {@code mkdir} wins. */
    @Test
    void fl19LockDirectoryRemovedWhileVerifyingStalenessIsRetriedAndAcquired() throws Exception {
        Files.createDirectory(directory.resolve("vanishing.lock"));
        AtomicBoolean first = new AtomicBoolean(true);
        DelegatingLockFileSystem fs = new DelegatingLockFileSystem() {
            @Override
            public DirStamp stat(Path path) throws IOException {
                if (first.getAndSet(false)) {
                    Files.delete(path); // its owner releases it right now
                }
                return super.stat(path);
            }
        };
        BackendLock lock = lockNow(backend(fs), "vanishing");
        assertThat(lock).isNotNull();
        assertThat(fs.calls("createDirectory")).isEqualTo(2);
        assertThat(fs.calls("stat")).as("the stale check, then the precision probe").isEqualTo(2);
        lock.release();
    }

    /** FL-19 (not recursively): a stat that keeps failing with ENOENT gives exactly one more {@code mkdir}, then busy. */
    @Test
    void fl19RetryAfterAVanishedLockDirectoryIsNotRecursive() throws Exception {
        Path lockDir = Files.createDirectory(directory.resolve("ghost.lock"));
        DelegatingLockFileSystem fs = new DelegatingLockFileSystem() {
            @Override
            public DirStamp stat(Path path) throws IOException {
                count("stat");
                throw new NoSuchFileException(path.toString());
            }
        };
        assertThat(lockNow(backend(fs), "ghost")).isNull();
        assertThat(fs.calls("createDirectory")).isEqualTo(2);
        assertThat(fs.calls("stat")).isEqualTo(1);
        assertThat(lockDir).isDirectory();
    }

    /** FL-20: any other stat error while verifying staleness fails the attempt with that error; the lock stays. */
    @Test
    void fl20StatFailingWhileVerifyingStalenessIsAClearError() throws Exception {
        Path lockDir = Files.createDirectory(directory.resolve("unreadable.lock"));
        FileTime theirs = mtime(lockDir);
        IOException error = failure(lockDir, "EIO: stat failed");
        DelegatingLockFileSystem fs = new DelegatingLockFileSystem() {
            @Override
            public DirStamp stat(Path path) throws IOException {
                throw error;
            }
        };
        assertThatThrownBy(() -> lockNow(backend(fs), "unreadable")).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("Cannot acquire file lock 'unreadable'").hasMessageContaining("EIO: stat failed")
                .hasCause(error);
        assertThat(lockDir).isDirectory();
        assertThat(mtime(lockDir)).isEqualTo(theirs);
    }

    /**
     * FL-23: removing a stale lock directory fails (the port removes it by renaming it aside,
     * FL-24): the attempt fails with that error, and the stale directory stays as it was.
     */
    @Test
    void fl23RemovingAStaleLockFailingIsAClearErrorAndLeavesItAlone() throws Exception {
        Path lockDir = Files.createDirectory(directory.resolve("stuck.lock"));
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        Files.setLastModifiedTime(lockDir, old);
        DelegatingLockFileSystem fs = new DelegatingLockFileSystem() {
            @Override
            public void move(Path from, Path to, java.nio.file.CopyOption... options) throws IOException {
                throw failure(from, "EPERM: rename refused");
            }
        };
        FileLockBackend backend = backend(fs);
        assertThatThrownBy(() -> lockNow(backend, "stuck")).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("stuck.lock").hasMessageContaining("EPERM: rename refused");
        assertThat(lockDir).isDirectory();
        assertThat(mtime(lockDir)).isEqualTo(old);
        try (var entries = Files.list(directory)) {
            assertThat(entries.map(path -> path.getFileName().toString()))
                    .containsExactlyInAnyOrder("stuck.lock", ".slocket-rights", ".slocket-tokens");
        }
        assertThat(backend.takeovers()).isZero();
    }

    /**
     * FL-25: the precision probe of a directory made by a stale takeover fails: the attempt fails
     * with that error and the new directory is removed at once, by the taker that still holds the
     * takeover right, not left to go stale.
     */
    @Test
    void aProbeFailingInsideAStaleTakeoverRemovesTheNewDirectory() throws Exception {
        Path lockDir = Files.createDirectory(directory.resolve("probed.lock"));
        Files.setLastModifiedTime(lockDir, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        DelegatingLockFileSystem fs = new DelegatingLockFileSystem() {
            @Override
            public void setMtime(Path path, long millis) throws IOException {
                throw failure(path, "EIO: utimes failed");
            }
        };
        FileLockBackend backend = backend(fs);
        assertThatThrownBy(() -> lockNow(backend, "probed")).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("EIO: utimes failed");
        assertThat(lockDir).doesNotExist();
    }

    /**
     * FL-29: a file system that keeps milliseconds, floors to seconds or ceils to seconds (faked
     * in {@code stat}) never makes our own lock look taken during 3 s of heartbeats.
     */
    @Test
    void fl29MillisecondFlooredAndCeiledSecondMtimesKeepOurLockOurs() throws Exception {
        Map<String, LongUnaryOperator> precisions = Map.of("millis", millis -> millis,
                "floor", millis -> Math.floorDiv(millis, 1000) * 1000,
                "ceil", millis -> Math.floorDiv(millis + 999, 1000) * 1000);
        List<DelegatingLockFileSystem> systems = new ArrayList<>();
        List<DirectoryHold> holds = new ArrayList<>();
        for (Map.Entry<String, LongUnaryOperator> precision : precisions.entrySet()) {
            DelegatingLockFileSystem fs = new DelegatingLockFileSystem() {
                @Override
                public DirStamp stat(Path path) throws IOException {
                    DirStamp stored = super.stat(path);
                    return new DirStamp(stored.fileKey(),
                            FileTime.fromMillis(precision.getValue().applyAsLong(stored.mtimeMillis())));
                }
            };
            systems.add(fs);
            Path dir = Files.createDirectory(directory.resolve(precision.getKey()));
            holds.add((DirectoryHold) lockNow(backend(dir, fs), "lock"));
        }
        // the probe's write, then three heartbeats of update = 1 s
        await().atMost(Duration.ofSeconds(8)).until(() -> systems.stream().allMatch(fs -> fs.calls("setMtime") >= 4));
        assertThat(losses).isEmpty();
        assertThat(holds).allSatisfy(hold -> assertThat(hold.isValid()).isTrue());
        holds.forEach(DirectoryHold::release);
    }

    /** FL-36: a refresh that keeps failing is retried, and the lock is reported lost once stale has passed. */
    @Test
    void fl36MtimeWritesFailingLongerThanStaleLoseTheLock() throws Exception {
        AtomicBoolean failing = new AtomicBoolean();
        DelegatingLockFileSystem fs = new DelegatingLockFileSystem() {
            @Override
            public void setMtime(Path path, long millis) throws IOException {
                if (failing.get()) {
                    count("setMtime");
                    throw failure(path, "EIO: utimes failed");
                }
                super.setMtime(path, millis);
            }
        };
        FileLockBackend backend = backend(fs);
        long beforeAcquire = System.nanoTime();
        BackendLock lock = lockNow(backend, "failing");
        failing.set(true);
        await().atMost(Duration.ofSeconds(6)).until(() -> !losses.isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - beforeAcquire)).as("not lost before stale passed")
                .isGreaterThan(STALE);
        assertThat(fs.calls("setMtime")).as("the probe, then failed refreshes retried").isGreaterThanOrEqualTo(3);
        assertThat(losses).singleElement().satisfies(reason -> assertThat(reason)
                .contains("within the stale threshold").contains("EIO: utimes failed"));
        assertThat(((DirectoryHold) lock).isValid()).isFalse();
    }

    /** FL-36: a refresh that fails after taking longer than stale loses the lock at once, without a retry. */
    @Test
    void fl36MtimeWriteTakingLongerThanStaleLosesTheLock() throws Exception {
        AtomicBoolean slowOnce = new AtomicBoolean();
        DelegatingLockFileSystem fs = new DelegatingLockFileSystem() {
            @Override
            public void setMtime(Path path, long millis) throws IOException {
                if (slowOnce.getAndSet(false)) {
                    count("setMtime");
                    sleep(STALE.plusMillis(500)); // the scenario: a file system stuck for longer than stale
                    throw failure(path, "EIO: utimes timed out");
                }
                super.setMtime(path, millis);
            }
        };
        lockNow(backend(fs), "slow");
        slowOnce.set(true);
        await().atMost(Duration.ofSeconds(6)).until(() -> !losses.isEmpty());
        assertThat(losses).singleElement().satisfies(reason -> assertThat(reason).contains("EIO: utimes timed out"));
        assertThat(fs.calls("setMtime")).as("the probe and the slow refresh; no retry").isEqualTo(2);
    }

    /**
     * FL-47 (slow fs + new lock), FL-41: a release during a slow in-flight refresh lets that one
     * write finish, then no write follows, no loss is reported, and a new owner's lock is never
     * touched by the released one.
     */
    @Test
    void fl47NoRefreshAfterReleaseEvenWithASlowRefreshInFlightAndANewLock() throws Exception {
        CountDownLatch inFlight = new CountDownLatch(1);
        AtomicBoolean slowOnce = new AtomicBoolean();
        DelegatingLockFileSystem fs = new DelegatingLockFileSystem() {
            @Override
            public void setMtime(Path path, long millis) throws IOException {
                if (slowOnce.getAndSet(false)) {
                    inFlight.countDown();
                    sleep(Duration.ofMillis(800)); // the scenario: a slow file system
                }
                super.setMtime(path, millis);
            }
        };
        BackendLock lock = lockNow(backend(fs), "slow");
        slowOnce.set(true);
        assertThat(inFlight.await(3, TimeUnit.SECONDS)).isTrue();
        lock.release();
        int writesAtRelease = fs.calls("setMtime");
        assertThat(directory.resolve("slow.lock")).doesNotExist();

        DelegatingLockFileSystem otherFs = new DelegatingLockFileSystem();
        BackendLock newLock = lockNow(backend(otherFs), "slow");
        assertThat(newLock).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> otherFs.calls("setMtime") >= 3);
        assertThat(fs.calls("setMtime")).isEqualTo(writesAtRelease);
        assertThat(losses).isEmpty();
        newLock.release();
    }

    /**
     * A lock taken over by someone else right after its old holder checked it on release (the
     * holder had stalled past {@code stale}): release moves it aside, sees that it is not the
     * directory it held, and puts it back instead of removing it by path.
     */
    @Test
    void releaseNeverRemovesALockTakenOverAfterItsCheck() throws Exception {
        Path lockDir = directory.resolve("raced.lock");
        AtomicBoolean armed = new AtomicBoolean();
        DelegatingLockFileSystem fs = new DelegatingLockFileSystem() {
            @Override
            public DirStamp stat(Path path) throws IOException {
                DirStamp stamp = super.stat(path);
                if (path.equals(lockDir) && armed.compareAndSet(true, false)) {
                    Path old = directory.resolve("old-raced");
                    Files.move(lockDir, old);
                    Files.createDirectory(lockDir);
                    Files.delete(old);
                }
                return stamp;
            }
        };
        FileLockBackend backend = new FileLockBackend(FileLockOptions.builder(directory)
                .stale(Duration.ofSeconds(30)).build(), new StaleTakeover(), fs);
        backends.add(backend);
        BackendLock lock = lockNow(backend, "raced");
        armed.set(true);
        lock.release();
        assertThat(armed).as("the release checked the directory").isFalse();
        assertThat(lockDir).as("the other holder's lock").isDirectory();
        try (Stream<Path> entries = Files.list(directory)) {
            assertThat(entries.map(Path::getFileName).map(Path::toString))
                    .noneMatch(name -> name.startsWith(".slocket-tombstone-"));
        }
    }

    private static void sleep(Duration duration) throws IOException {
        try {
            Thread.sleep(duration.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }

    /**
     * FL-33/36 and DESIGN §4 "lost locks are never silent": a heartbeat stuck in a refresh (a hung
     * mount, a paused process whose timer has not run yet) cannot vouch for the lock once
     * {@code stale} has passed since the last refresh, because others may take it over from then
     * on: {@code isValid()} (behind {@code HeldLock.isHeld()}) answers {@code false} at once,
     * without waiting for the heartbeat.
     */
    @Test
    void aHoldNotRefreshedWithinStaleIsNoLongerValidEvenWhileItsHeartbeatHangs() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        AtomicBoolean acquired = new AtomicBoolean();
        DelegatingLockFileSystem fs = new DelegatingLockFileSystem() {
            @Override
            public void setMtime(Path path, long millis) throws IOException {
                try {
                    if (acquired.get()) {
                        unblock.await(30, TimeUnit.SECONDS);
                    }
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                super.setMtime(path, millis);
            }
        };
        try {
            BackendLock lock = lockNow(backend(fs), "hung");
            int refreshesBefore = fs.calls("setMtime");
            acquired.set(true);
            assertThat(lock.isValid()).isTrue();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> !lock.isValid());
            assertThat(fs.calls("setMtime")).as("no refresh completed: the heartbeat still hangs")
                    .isEqualTo(refreshesBefore);
        }
        finally {
            unblock.countDown();
        }
    }
}
