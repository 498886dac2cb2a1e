package dev.slocket;

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
}
