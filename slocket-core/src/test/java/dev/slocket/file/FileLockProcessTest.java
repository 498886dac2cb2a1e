package dev.slocket.file;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.testing.ChildJvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The file backend across real processes (child JVMs), with {@code stale} = 2 s and
 * {@code update} = 1 s.
 */
class FileLockProcessTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);

    private static final Duration STALE = Duration.ofSeconds(2);

    @TempDir
    Path directory;

    @TempDir
    Path work;

    private final List<ChildJvm> children = new ArrayList<>();

    private LockRegistry registry;

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (ChildJvm child : children) {
            child.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private ChildJvm child(String... args) throws Exception {
        ChildJvm child = ChildJvm.start(work, FileLockChild.class, args);
        children.add(child);
        return child;
    }

    private LockRegistry registry() {
        registry = Slocket.file(FileLockOptions.builder(directory).stale(STALE).build());
        return registry;
    }

    private static long tokenAfter(String prefix, ChildJvm child) {
        return child.lines().stream().filter(line -> line.startsWith(prefix)).findFirst()
                .map(line -> Long.parseLong(line.substring(prefix.length()).trim().split(" ")[0]))
                .orElseThrow();
    }

    /** FL-64, DESIGN §4: four processes never hold the lock at once; tokens grow in entry order. */
    @Test
    void fourProcessesNeverOverlap() throws Exception {
        Path markerDir = Files.createDirectory(work.resolve("marker"));
        List<ChildJvm> contenders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            contenders.add(child("contend", directory.toString(), "shared", "25", markerDir.toString()));
        }
        for (ChildJvm contender : contenders) {
            assertThat(contender.awaitExit(Duration.ofSeconds(90))).as(contender.output()).isZero();
            assertThat(contender.output()).contains("DONE").doesNotContain("DOUBLE HOLDER");
        }
        List<Long> tokens = Files.readAllLines(new dev.slocket.testing.OccupancyMarker(markerDir).journal()).stream()
                .map(line -> Long.parseLong(line.split(" ")[0])).toList();
        assertThat(tokens).hasSize(100).isSorted().doesNotHaveDuplicates();
    }

    /** FL-61 (ported to "no clean-up on SIGKILL"), FL-22: a killed holder's lock is taken over within stale + 1 s. */
    @Test
    void killedHoldersLockIsTakenOverWithinStalePlusOneSecond() throws Exception {
        ChildJvm holder = child("hold", directory.toString(), "killed");
        holder.awaitLine("ACQUIRED", STARTUP);
        long childToken = tokenAfter("ACQUIRED", holder);
        // the precision probe dates a new lock up to 1 s ahead; kill after the first refresh to now
        Path lockDir = directory.resolve("killed.lock");
        FileTime probed = Files.getLastModifiedTime(lockDir);
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.getLastModifiedTime(lockDir).equals(probed));
        holder.kill();
        long killedAt = System.nanoTime();
        try (HeldLock lock = registry().acquire("killed", Duration.ofSeconds(10))) {
            Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
            assertThat(took).isLessThanOrEqualTo(STALE.plusSeconds(1));
            assertThat(lock.fencingToken()).isGreaterThan(childToken);
        }
    }

    /**
     * FL-38, FL-42, DESIGN §4: a holder frozen past stale is taken over; resumed, it reports the
     * loss within one update interval (1 s) and leaves the new owner's directory alone.
     */
    @Test
    void frozenHolderIsTakenOverAndReportsTheLossWhenResumed() throws Exception {
        ChildJvm holder = child("hold", directory.toString(), "frozen");
        holder.awaitLine("ACQUIRED", STARTUP);
        holder.freeze();
        HeldLock lock = registry().acquire("frozen", Duration.ofSeconds(10));
        assertThat(((FileLockBackend) ((dev.slocket.internal.LocalLockRegistry) registry).backend()).takeovers())
                .isEqualTo(1);
        long resumedAt = System.currentTimeMillis();
        holder.resume();
        holder.awaitLine("LOST", Duration.ofSeconds(10));
        long lostAt = tokenAfter("LOST", holder);
        assertThat(lostAt - resumedAt).as("loss reported after resume, in ms").isLessThanOrEqualTo(1000);
        assertThat(lock.isHeld()).isTrue();
        assertThat(directory.resolve("frozen.lock")).isDirectory();
        lock.release();
    }

    /**
     * FL-35: a holder frozen past stale that nobody took over finds its directory unchanged when
     * resumed; the late heartbeat refreshes it and is not a loss.
     */
    @Test
    void lateHeartbeatOfAnUntouchedLockIsNotALoss() throws Exception {
        ChildJvm holder = child("hold", directory.toString(), "dozing");
        holder.awaitLine("ACQUIRED", STARTUP);
        Path lockDir = directory.resolve("dozing.lock");
        holder.freeze();
        FileTime frozenMtime = Files.getLastModifiedTime(lockDir);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> System.currentTimeMillis() - frozenMtime.toMillis() > STALE.toMillis() + 200);
        holder.resume();
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.getLastModifiedTime(lockDir).compareTo(frozenMtime) > 0);
        assertThat(holder.output()).doesNotContain("LOST");
        assertThat(registry().tryAcquire("dozing")).isEmpty();
    }

    /**
     * FL-24: two processes released at once onto the same stale lock; in every round exactly one
     * of them wins the takeover. One of them pauses 100 ms between finding the lock stale and
     * removing it, the window in which the original's stat-rmdir-mkdir gives two winners (#121).
     */
    @Test
    void exactlyOneOfTwoRacingProcessesTakesOverAStaleLock() throws Exception {
        int rounds = 20;
        Path sync = Files.createDirectory(work.resolve("sync"));
        ChildJvm a = child("race", directory.toString(), "contested", Integer.toString(rounds), sync.toString(), "0");
        ChildJvm b = child("race", directory.toString(), "contested", Integer.toString(rounds), sync.toString(), "100");
        Path lockDir = directory.resolve("contested.lock");
        for (int i = 0; i < rounds; i++) {
            Files.createDirectory(lockDir);
            Files.setLastModifiedTime(lockDir, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
            Files.createFile(sync.resolve("go-" + i));
            String round = "ROUND " + i + " ";
            a.awaitLine(round, STARTUP);
            b.awaitLine(round, STARTUP);
            long winners = List.of(a, b).stream().filter(child -> child.output().contains(round + "WIN")).count();
            assertThat(winners).as("winners of round %d:%n%s%n%s", i, a.output(), b.output()).isEqualTo(1);
            Files.createFile(sync.resolve("end-" + i));
            ChildJvm winner = a.output().contains(round + "WIN") ? a : b;
            winner.awaitLine(round + "RELEASED", Duration.ofSeconds(10));
            assertThat(lockDir).doesNotExist();
        }
        assertThat(a.awaitExit(Duration.ofSeconds(10))).isZero();
        assertThat(b.awaitExit(Duration.ofSeconds(10))).isZero();
    }

    /**
     * FL-62: a JVM that ends with a lock held exits. A registry never releases a lock whose holder
     * may still run (this overrides FL-61 for registries; {@link FileLocks} keeps it): the lock
     * directory stays until it is stale.
     */
    @Test
    void holdingALockDoesNotKeepTheJvmAliveAndTheLockGoesStaleAfterExit() throws Exception {
        ChildJvm child = child("exit", directory.toString(), "exiting");
        assertThat(child.awaitExit(STARTUP)).as(child.output()).isZero();
        assertThat(child.output()).contains("ACQUIRED", "is still held by thread 'main'");
        assertThat(directory.resolve("exiting.lock")).isDirectory();
    }

    /**
     * SIGTERM while the holder still runs: the registry's shutdown hook waits out its grace period
     * and does not remove the lock directory; it goes stale after the exit.
     */
    @Test
    void sigtermLeavesTheLockDirectoryOfARunningHolder() throws Exception {
        ChildJvm holder = child("hold", directory.toString(), "terminated");
        holder.awaitLine("ACQUIRED", STARTUP);
        assertThat(directory.resolve("terminated.lock")).isDirectory();
        holder.terminate();
        holder.awaitExit(Duration.ofSeconds(10));
        assertThat(holder.output()).contains("is still held by thread 'main'");
        assertThat(directory.resolve("terminated.lock")).isDirectory();
    }

    /**
     * A holder's heartbeat stopped between its check of the directory and its write (here: a
     * file system that hangs in {@code utimes}) holds the takeover right meanwhile, so another
     * process that finds the directory stale cannot take it over under the write. (The write then
     * sets the time it was meant to set, already older than {@code stale}: the hold is no longer
     * valid, and the other process may take the lock over from then on.)
     */
    @Test
    void anotherProcessCannotTakeOverWhileAHolderIsBetweenItsCheckAndItsWrite() throws Exception {
        CountDownLatch inWrite = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean();
        DelegatingLockFileSystem hanging = new DelegatingLockFileSystem() {
            @Override
            public void setMtime(Path path, long millis) throws IOException {
                if (armed.getAndSet(false)) {
                    inWrite.countDown();
                    try {
                        resume.await(30, TimeUnit.SECONDS);
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.setMtime(path, millis);
            }
        };
        try (FileLockBackend backend = new FileLockBackend(FileLockOptions.builder(directory).stale(STALE).build(),
                new StaleTakeover(), hanging)) {
            BackendLock ours = backend.acquire("guarded", Deadline.after(Duration.ZERO), reason -> { });
            long acquiredAt = System.nanoTime();
            armed.set(true);
            ChildJvm other = child("hold", directory.toString(), "guarded");
            assertThat(inWrite.await(10, TimeUnit.SECONDS)).as("the heartbeat reached its write").isTrue();
            try {
                // until well past the moment the directory turned stale (stale = 2 s after the acquisition)
                long observe = Duration.ofSeconds(4).toNanos() - (System.nanoTime() - acquiredAt);
                await().during(Duration.ofNanos(Math.max(observe, Duration.ofSeconds(1).toNanos())))
                        .atMost(Duration.ofSeconds(8))
                        .until(() -> !other.output().contains("ACQUIRED"));
            }
            finally {
                resume.countDown();
            }
            assertThat(other.isAlive()).isTrue();
            ours.release();
            other.awaitLine("ACQUIRED", STARTUP);
            assertThat(ours.isValid()).isFalse();
        }
    }
}
