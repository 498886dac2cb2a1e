package dev.slocket;

import dev.slocket.socket.SocketLockBackend;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What a lock directory keeps between acquisitions, and what survives losing it. */
class LockDirectoryStateTest {

    @TempDir
    Path root;

    /**
     * A reboot on tmpfs or an age-based cleaner deletes every file of the directory between two
     * acquisitions: the next token is still larger, because no token is below the clock.
     */
    @ParameterizedTest
    @EnumSource(DirectoryBackend.class)
    void fencingTokensIncreaseEvenWhenEveryFileOfTheDirectoryIsDeleted(DirectoryBackend kind) throws Exception {
        Path locks = root.resolve("locks");
        long first;
        try (LockBackend backend = kind.create(locks)) {
            BackendLock lock = backend.acquire("tok", Deadline.after(Duration.ZERO), reason -> { });
            first = lock.fencingToken();
            lock.release();
        }
        try (Stream<Path> files = Files.list(locks)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        try (LockBackend backend = kind.create(locks)) {
            BackendLock lock = backend.acquire("tok", Deadline.after(Duration.ZERO), reason -> { });
            assertThat(lock.fencingToken()).isGreaterThan(first);
            lock.release();
        }
    }

    /** A lock directory reached through a symbolic link higher up is the same set of locks. */
    @ParameterizedTest
    @EnumSource(DirectoryBackend.class)
    void twoPathsToOneDirectoryAreOneSetOfLocks(DirectoryBackend kind) throws Exception {
        Path locks = DirectoryBackend.createDirectory(root.resolve("locks"), "rwx------");
        Path alias = Files.createSymbolicLink(root.resolve("alias"), root).resolve("locks");
        try (LockBackend one = kind.create(locks); LockBackend other = kind.create(alias)) {
            BackendLock held = one.acquire("shared", Deadline.after(Duration.ZERO), reason -> { });
            assertThat(other.isLocked("shared")).isTrue();
            assertThat(other.acquire("shared", Deadline.after(Duration.ofMillis(50)), reason -> { })).isNull();
            if (one instanceof SocketLockBackend socket) {
                assertThat(((SocketLockBackend) other).socketPath("shared")).isEqualTo(socket.socketPath("shared"))
                        .startsWith(locks.toRealPath());
            }
            held.release();
            BackendLock next = other.acquire("shared", Deadline.after(Duration.ofSeconds(10)), reason -> { });
            assertThat(next).isNotNull();
            next.release();
        }
    }

    /**
     * 10,000 distinct names used one after another leave only a fixed number of files: nothing
     * is kept per name beyond the lock itself while it is held or awaited.
     */
    @ParameterizedTest
    @EnumSource(DirectoryBackend.class)
    void distinctNamesEverUsedDoNotGrowTheDirectory(DirectoryBackend kind) throws Exception {
        Path locks = root.resolve("locks");
        try (LockBackend backend = kind.create(locks)) {
            BackendLock held = backend.acquire("held", Deadline.after(Duration.ZERO), reason -> { });
            for (int i = 0; i < 10_000; i++) {
                backend.acquire("report-" + i, Deadline.after(Duration.ZERO), reason -> { }).release();
            }
            try (Stream<Path> entries = Files.list(locks)) {
                assertThat(entries.map(Path::getFileName).map(Path::toString).toList()).hasSizeLessThanOrEqualTo(64)
                        .contains(kind == DirectoryBackend.SOCKET ? "held.sock" : "held.lock");
            }
            held.release();
        }
    }
}
