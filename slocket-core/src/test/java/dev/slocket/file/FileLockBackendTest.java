package dev.slocket.file;

import dev.slocket.HeldLock;
import dev.slocket.LockBackendException;
import dev.slocket.LockLoss;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.Slocket;
import dev.slocket.spi.FencingCounterFile;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Behaviour of the file backend that the registry contract does not cover. */
class FileLockBackendTest {

    private static final Duration STALE = Duration.ofSeconds(2);

    @TempDir
    Path directory;

    private final List<LockRegistry> registries = new ArrayList<>();

    @AfterEach
    void close() {
        registries.forEach(LockRegistry::close);
    }

    private LockRegistry registry(Duration poll) {
        LockRegistry registry = Slocket.file(FileLockOptions.builder(directory).stale(STALE).watchPollInterval(poll).build());
        registries.add(registry);
        return registry;
    }

    private LockRegistry registry() {
        return registry(Duration.ofSeconds(1));
    }

    private static FileLockBackend backend(LockRegistry registry) {
        return (FileLockBackend) ((dev.slocket.internal.LocalLockRegistry) registry).backend();
    }

    private static List<LockLoss> lossesOf(LockRegistry registry) {
        List<LockLoss> losses = new CopyOnWriteArrayList<>();
        registry.addLockLostListener(losses::add);
        return losses;
    }

    private static FileTime mtime(Path path) throws Exception {
        return Files.getLastModifiedTime(path);
    }

    /** FL-17, FL-59: the lock is the empty directory {@code <encoded name>.lock}; sidecars sit beside it. */
    @Test
    void lockIsAnEmptyDirectoryNamedLikeProperLockfilesWithCountersBeside() throws Exception {
        long floor = FencingCounterFile.clockFloor();
        try (HeldLock lock = registry().acquire("a b/c", Duration.ZERO)) {
            Path lockDir = directory.resolve("a%20b%2Fc.lock");
            assertThat(lockDir).isDirectory().isEmptyDirectory();
            assertThat(directory.resolve(".slocket-tokens")).isRegularFile();
            assertThat(lock.fencingToken()).isGreaterThanOrEqualTo(floor);
        }
        assertThat(directory.resolve("a%20b%2Fc.lock")).doesNotExist();
        assertThat(directory).isDirectoryNotContaining(path -> path.getFileName().toString().startsWith("a%20b%2Fc"));
    }

    /** FL-53, FL-54: "is it locked by anyone": held (even by us) yes; free or stale no. */
    @Test
    void isLockedSeesFreshLocksOnly() throws Exception {
        LockRegistry registry = registry();
        FileLockBackend backend = backend(registry);
        assertThat(backend.isLocked("q")).isFalse();
        try (HeldLock lock = registry.acquire("q", Duration.ZERO)) {
            assertThat(backend.isLocked("q")).isTrue();
        }
        assertThat(backend.isLocked("q")).isFalse();
        Path stale = Files.createDirectory(directory.resolve("q.lock"));
        assertThat(backend.isLocked("q")).isTrue();
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 2100));
        assertThat(backend.isLocked("q")).isFalse();
    }

    /** Bad directories: a missing one is created; a regular file or a vanished one is a clear error. */
    @Test
    void badDirectoriesGiveClearErrors() throws Exception {
        Path nested = directory.resolve("x/y");
        LockRegistry created = Slocket.file(nested);
        registries.add(created);
        assertThat(nested).isDirectory();
        assertThat(backend(created).status().usable()).isTrue();

        Path file = Files.createFile(directory.resolve("plain"));
        assertThatThrownBy(() -> Slocket.file(file)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("is not a directory").hasMessageContaining(file.toString());

        Files.delete(nested);
        assertThat(backend(created).status().usable()).isFalse();
        assertThat(backend(created).status().reason()).contains("does not exist");
        assertThatThrownBy(() -> created.acquire("n", Duration.ZERO)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("no longer exists");
    }

    /** FL-22, FL-24: a stale lock is taken over, logged, counted; the new mtime is fresh. */
    @Test
    void takesOverAStaleLockAndCountsIt() throws Exception {
        Path lockDir = Files.createDirectory(directory.resolve("old.lock"));
        Files.setLastModifiedTime(lockDir, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        LockRegistry registry = registry();
        try (HeldLock lock = registry.acquire("old", Duration.ZERO)) {
            assertThat(mtime(lockDir).toMillis()).isGreaterThan(System.currentTimeMillis() - 3000);
            assertThat(backend(registry).status().details()).containsEntry("takeovers", 1L);
        }
        assertThat(Files.list(directory).map(path -> path.getFileName().toString()))
                .as("no tombstone left").noneMatch(name -> name.startsWith(".slocket-tombstone"));
    }

    /**
     * FL-63: a lock dated an hour ahead is not fresh for ever: once its mtime has stayed unchanged
     * for stale (2 s) on the local clock it is taken over; check-style queries still call it locked.
     */
    @Test
    void futureDatedLockIsTakenOverAfterStayingUnchangedForStale() throws Exception {
        Path lockDir = Files.createDirectory(directory.resolve("future.lock"));
        Files.setLastModifiedTime(lockDir, FileTime.fromMillis(System.currentTimeMillis() + 3_600_000));
        LockRegistry registry = registry(Duration.ofMillis(500));
        assertThat(backend(registry).isLocked("future")).isTrue();
        long start = System.nanoTime();
        try (HeldLock lock = registry.acquire("future", Duration.ofSeconds(10))) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(STALE).isLessThan(Duration.ofSeconds(5));
            assertThat(backend(registry).takeovers()).isEqualTo(1);
        }
    }

    /** FL-21: a fresh lock held elsewhere is not taken over; the wait times out. */
    @Test
    void freshLockOfSomeoneElseIsNeverTakenOver() throws Exception {
        Files.createDirectory(directory.resolve("fresh.lock"));
        assertThatThrownBy(() -> registry().acquire("fresh", Duration.ofMillis(200)))
                .isInstanceOf(LockTimeoutException.class);
        assertThat(backend(registries.get(0)).takeovers()).isZero();
    }

    /** FL-31: the holder refreshes the mtime every update (1 s). */
    @Test
    void heartbeatRefreshesTheMtime() throws Exception {
        try (HeldLock lock = registry().acquire("beat", Duration.ZERO)) {
            Path lockDir = directory.resolve("beat.lock");
            FileTime first = mtime(lockDir);
            await().atMost(Duration.ofSeconds(3)).until(() -> mtime(lockDir).compareTo(first) > 0);
            assertThat(lock.isHeld()).isTrue();
        }
    }

    /** FL-34, FL-38: an mtime that is not ours is a loss, reported once; the directory is left alone. */
    @Test
    void mtimeNotOursIsALossAndTheDirectoryStays() throws Exception {
        LockRegistry registry = registry();
        List<LockLoss> losses = lossesOf(registry);
        HeldLock lock = registry.acquire("stolen", Duration.ZERO);
        Path lockDir = directory.resolve("stolen.lock");
        FileTime foreign = FileTime.fromMillis(System.currentTimeMillis() + 777);
        Files.setLastModifiedTime(lockDir, foreign);
        await().atMost(Duration.ofSeconds(3)).until(() -> !losses.isEmpty());
        assertThat(losses).singleElement().satisfies(loss -> assertThat(loss.reason()).contains("changed by someone else"));
        assertThat(lock.isHeld()).isFalse();
        lock.release();
        assertThat(lockDir).isDirectory();
        assertThat(mtime(lockDir)).isEqualTo(foreign);
    }

    /** FL-42: a directory replaced by another one with the same mtime is not ours (file key differs). */
    @Test
    void replacedDirectoryWithTheSameMtimeIsALoss() throws Exception {
        LockRegistry registry = registry();
        List<LockLoss> losses = lossesOf(registry);
        HeldLock lock = registry.acquire("replaced", Duration.ZERO);
        Path lockDir = directory.resolve("replaced.lock");
        FileTime ours = mtime(lockDir);
        Files.move(lockDir, directory.resolve("kept-aside"));
        Files.createDirectory(lockDir);
        Files.setLastModifiedTime(lockDir, ours);
        await().atMost(Duration.ofSeconds(3)).until(() -> !losses.isEmpty());
        assertThat(lock.isHeld()).isFalse();
        lock.release();
        assertThat(lockDir).as("the new owner's directory stays").isDirectory();
    }

    /** FL-41, FL-47: after release no heartbeat touches the path, even when someone else creates it again. */
    @Test
    void releaseStopsTheHeartbeat() throws Exception {
        LockRegistry registry = registry();
        List<LockLoss> losses = lossesOf(registry);
        registry.acquire("stopped", Duration.ZERO).release();
        Path lockDir = Files.createDirectory(directory.resolve("stopped.lock"));
        FileTime theirs = FileTime.fromMillis(System.currentTimeMillis() - 500);
        Files.setLastModifiedTime(lockDir, theirs);
        Thread.sleep(1500); // the scenario: more than one update interval passes
        assertThat(mtime(lockDir)).isEqualTo(theirs);
        assertThat(losses).isEmpty();
    }

    /**
     * FL-33, FL-36: when the heartbeat cannot stat or refresh the directory (here the lock
     * directory's parent was replaced by a regular file, as when a mount goes away), it retries
     * every second and reports the loss once {@code stale} has passed without a refresh.
     *
     * <p>Not an immediate loss as for a vanished directory (FL-32): {@code ENOTDIR} says the path
     * leads nowhere, not that the lock directory is gone, and a mount that comes back within
     * {@code stale} finds it still ours. JDK 25 reports {@code ENOTDIR} from a stat as
     * {@code NoSuchFileException} (JDK 17: "Not a directory"); the backend tells the two apart
     * itself, so both JDKs wait for {@code stale}.
     */
    @Test
    void heartbeatThatCannotRunWithinStaleIsALoss() throws Exception {
        Path locks = Files.createDirectory(directory.resolve("mount"));
        LockRegistry registry = Slocket.file(FileLockOptions.builder(locks).stale(STALE).build());
        registries.add(registry);
        List<LockLoss> losses = lossesOf(registry);
        long acquiring = System.nanoTime(); // the last refresh is no earlier
        HeldLock lock = registry.acquire("unreachable", Duration.ZERO);
        Files.move(locks, directory.resolve("unmounted"));
        Files.createFile(locks);
        await().atMost(Duration.ofSeconds(10)).until(() -> !losses.isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - acquiring)).isGreaterThanOrEqualTo(STALE);
        assertThat(losses).singleElement()
                .satisfies(loss -> assertThat(loss.reason()).contains("within the stale threshold"));
        assertThat(lock.isHeld()).isFalse();
    }

    /**
     * FL-24 inside one JVM: two registries that find the same stale lock never both win.
     *
     * <p>The contenders run on threads of their own: two tasks that meet at a barrier must not
     * share a pool that may run them one after the other ({@code CompletableFuture}'s default
     * pool has one thread on a 2-CPU machine from JDK 25 on, where JDK 17 made a thread per task).
     */
    @Test
    void twoRegistriesOfOneJvmNeverBothTakeOverAStaleLock() throws Exception {
        LockRegistry first = registry();
        LockRegistry second = registry();
        Path lockDir = directory.resolve("both.lock");
        ExecutorService contenders = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                Files.createDirectory(lockDir);
                Files.setLastModifiedTime(lockDir, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Optional<HeldLock>> a = contenders.submit(() -> tryAfter(start, first));
                Future<Optional<HeldLock>> b = contenders.submit(() -> tryAfter(start, second));
                List<HeldLock> winners = new ArrayList<>();
                a.get(10, TimeUnit.SECONDS).ifPresent(winners::add);
                b.get(10, TimeUnit.SECONDS).ifPresent(winners::add);
                assertThat(winners).as("winners of round %d", round).hasSize(1);
                winners.forEach(HeldLock::release);
            }
        }
        finally {
            contenders.shutdownNow();
        }
    }

    private static Optional<HeldLock> tryAfter(CyclicBarrier start, LockRegistry registry) throws Exception {
        start.await(10, TimeUnit.SECONDS);
        return registry.tryAcquire("both");
    }

    /** Waiting reacts to a release at once through the watch service, not the (60 s) poll. */
    @Test
    void waiterWakesOnReleaseWithoutPolling() throws Exception {
        Path lockDir = Files.createDirectory(directory.resolve("watched.lock"));
        LockRegistry registry = registry(Duration.ofSeconds(60));
        CompletableFuture<HeldLock> waiting = registry.acquireAsync("watched", Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(5)).until(() -> !registry.locks().isEmpty());
        long releasedAt = System.nanoTime();
        Files.delete(lockDir);
        HeldLock lock = waiting.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - releasedAt)).isLessThan(Duration.ofSeconds(2));
        lock.release();
    }

    /** A waiter wakes when the lock it sees turns stale, not at the (60 s) poll. */
    @Test
    void waiterWakesWhenTheLockTurnsStale() throws Exception {
        Path lockDir = Files.createDirectory(directory.resolve("ageing.lock"));
        Files.setLastModifiedTime(lockDir, FileTime.fromMillis(System.currentTimeMillis() - 1000));
        long start = System.nanoTime();
        try (HeldLock lock = registry(Duration.ofSeconds(60)).acquire("ageing", Duration.ofSeconds(10))) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    /** DESIGN §4 "waiting never spins": a waiter blocked for 2 s uses at most 10% of one core. */
    @Test
    void waitingTwoSecondsUsesAtMostTenPercentOfACore() throws Exception {
        LockRegistry holder = registry();
        LockRegistry waiter = registry();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (HeldLock lock = holder.acquire("busy", Duration.ZERO)) {
            long before = fileBackendCpuNanos(threads);
            long waiterCpu;
            long start = threads.getCurrentThreadCpuTime();
            assertThatThrownBy(() -> waiter.acquire("busy", Duration.ofSeconds(2)))
                    .isInstanceOf(LockTimeoutException.class);
            waiterCpu = threads.getCurrentThreadCpuTime() - start;
            long total = waiterCpu + fileBackendCpuNanos(threads) - before;
            assertThat(Duration.ofNanos(total)).isLessThanOrEqualTo(Duration.ofMillis(200));
        }
    }

    private static long fileBackendCpuNanos(ThreadMXBean threads) {
        long sum = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("slocket-file")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }
}
