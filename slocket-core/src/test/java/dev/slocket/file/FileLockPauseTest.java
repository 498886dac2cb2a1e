package dev.slocket.file;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A process stopped ({@code SIGSTOP}, a long pause, a wait for the fencing counter) between a
 * check of its lock directory and what it does next, for longer than {@code stale}: another
 * process takes the directory over meanwhile, and the stopped one must not go on as a holder.
 * Each case pauses one step of one backend while a second backend in the same directory plays
 * the other process.
 */
class FileLockPauseTest {

    private static final Duration STALE = Duration.ofSeconds(2);

    /** Longer than {@code stale}, so the paused directory can be taken over meanwhile. */
    private static final Duration PAST_STALE = STALE.plusMillis(1500);

    @TempDir
    Path directory;

    private final List<FileLockBackend> backends = new ArrayList<>();

    private final List<String> losses = new CopyOnWriteArrayList<>();

    private final CountDownLatch paused = new CountDownLatch(1);

    private final CountDownLatch resume = new CountDownLatch(1);

    @AfterEach
    void close() {
        resume.countDown();
        backends.forEach(FileLockBackend::close);
    }

    private FileLockBackend backend(LockFileSystem fs) {
        FileLockBackend backend = new FileLockBackend(FileLockOptions.builder(directory).stale(STALE).build(),
                new StaleTakeover(), fs);
        backends.add(backend);
        return backend;
    }

    private void pause() {
        paused.countDown();
        try {
            assertThat(resume.await(30, TimeUnit.SECONDS)).isTrue();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<BackendLock> acquireInBackground(FileLockBackend backend, String name) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return backend.acquire(name, Deadline.after(Duration.ofSeconds(30)), losses::add);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        });
    }

    /** The other process: waits for the paused directory to turn stale and takes it over. */
    private BackendLock takeOver(String name) throws InterruptedException {
        assertThat(paused.await(10, TimeUnit.SECONDS)).isTrue();
        BackendLock theirs = backend(new DelegatingLockFileSystem()).acquire(name, Deadline.after(Duration.ofSeconds(10)),
                losses::add);
        assertThat(theirs).as("taken over once stale").isNotNull();
        return theirs;
    }

    /**
     * The paused acquisition, once resumed, must keep waiting while the other holds the lock, and
     * get it (with a higher token) once the other releases it.
     */
    private void assertWaitsForTheOther(CompletableFuture<BackendLock> resumed, BackendLock theirs) {
        resume.countDown();
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(resumed).as("handed out while another holds it").isNotDone());
        assertThat(theirs.isValid()).isTrue();
        assertThat(losses).isEmpty();
        theirs.release();
        BackendLock ours = resumed.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(ours).isNotNull();
        assertThat(ours.isValid()).isTrue();
        assertThat(ours.fencingToken()).isGreaterThan(theirs.fencingToken());
        ours.release();
    }

    /**
     * Paused after its {@code mkdir}, before its fencing token (the token's slot may be locked by
     * a stopped process too): the hold checks the directory before it starts and finds it taken.
     */
    @Test
    void anAcquisitionPausedBeforeItsTokenDoesNotHoldADirectoryTakenOverMeanwhile() throws Exception {
        AtomicBoolean armed = new AtomicBoolean(true);
        DelegatingLockFileSystem pausing = new DelegatingLockFileSystem() {
            @Override
            public long nextToken(LockPaths paths) {
                if (armed.getAndSet(false)) {
                    pause();
                }
                return super.nextToken(paths);
            }
        };
        CompletableFuture<BackendLock> resumed = acquireInBackground(backend(pausing), "token");
        assertWaitsForTheOther(resumed, takeOver("token"));
    }

    /**
     * Paused between its {@code mkdir} and reading the directory back: what it reads after the
     * pause is the other's directory, which it must not take for its own.
     */
    @Test
    void anAcquisitionPausedBeforeReadingItsDirectoryBackDoesNotTakeAnotherOneForItsOwn() throws Exception {
        Path lockDir = directory.resolve("readback.lock");
        AtomicBoolean created = new AtomicBoolean();
        DelegatingLockFileSystem pausing = new DelegatingLockFileSystem() {
            @Override
            public void createDirectory(Path dir) throws IOException {
                super.createDirectory(dir);
                created.set(dir.equals(lockDir));
            }

            @Override
            public DirStamp stat(Path path) throws IOException {
                if (path.equals(lockDir) && created.getAndSet(false)) {
                    pause();
                }
                return super.stat(path);
            }
        };
        CompletableFuture<BackendLock> resumed = acquireInBackground(backend(pausing), "readback");
        assertWaitsForTheOther(resumed, takeOver("readback"));
    }

    /**
     * A holder's heartbeat paused between its check of the directory and its write (FL-35: a late
     * heartbeat refreshes an unchanged directory): while it is paused nobody takes the directory
     * over, because the write would land on theirs; once it resumes, the refresh completes and the
     * lock is still its own.
     */
    @Test
    void aHeartbeatPausedBetweenItsCheckAndItsWriteKeepsTheDirectoryFromBeingTakenOver() throws Exception {
        AtomicBoolean held = new AtomicBoolean();
        DelegatingLockFileSystem pausing = new DelegatingLockFileSystem() {
            @Override
            public void setMtime(Path path, long millis) throws IOException {
                if (held.getAndSet(false)) {
                    pause();
                }
                super.setMtime(path, millis);
            }
        };
        BackendLock ours = backend(pausing).acquire("heartbeat", Deadline.after(Duration.ZERO), losses::add);
        assertThat(ours).isNotNull();
        held.set(true);
        assertThat(paused.await(10, TimeUnit.SECONDS)).as("the heartbeat reached its write").isTrue();
        BackendLock theirs = backend(new DelegatingLockFileSystem()).acquire("heartbeat", Deadline.after(PAST_STALE),
                losses::add);
        assertThat(theirs).as("taken over while the holder's refresh was paused").isNull();
        resume.countDown();
        await().atMost(Duration.ofSeconds(5)).until(ours::isValid);
        assertThat(losses).isEmpty();
        ours.release();
        assertThat(directory.resolve("heartbeat.lock")).doesNotExist();
    }
}
