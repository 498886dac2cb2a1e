package dev.slocket;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The socket and file backends refuse lock directories and lock files that another local user
 * could control (README "Security"). Another user is played by uid 65534, which needs root.
 */
class LockDirectorySecurityTest {

    private static final int OTHER_UID = 65534;

    private static final String PRECIOUS = "precious content of a file outside the lock directory";

    @TempDir
    Path root;

    private Path locks;

    private Path outside;

    @BeforeEach
    void setUp() throws Exception {
        assumeThat(Files.getAttribute(root, "unix:uid")).as("these tests play another user with chown: run as root")
                .isEqualTo(0);
        locks = root.resolve("locks");
        outside = Files.writeString(root.resolve("victim.conf"), PRECIOUS);
        Files.setLastModifiedTime(outside, FileTime.fromMillis(1_000_000_000_000L));
    }

    @ParameterizedTest
    @EnumSource(DirectoryBackend.class)
    void aDirectoryOfAnotherUserIsRefusedNamingItsOwnerAndMode(DirectoryBackend backend) throws Exception {
        Files.setAttribute(DirectoryBackend.createDirectory(locks, "rwx------"), "unix:uid", OTHER_UID);
        assertThatThrownBy(() -> backend.create(locks)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("Lock directory " + locks).hasMessageContaining("uid " + OTHER_UID)
                .hasMessageContaining("mode 0700").hasMessageContaining("not to this process's user")
                .hasMessageContaining("remove it");
        assertThat(locks).isEmptyDirectory();
    }

    @ParameterizedTest
    @EnumSource(DirectoryBackend.class)
    void aDirectoryEveryoneCanWriteIsRefusedEvenWhenShared(DirectoryBackend backend) throws Exception {
        DirectoryBackend.createDirectory(locks, "rwxrwxrwx");
        assertThatThrownBy(() -> backend.create(locks)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("mode 0777").hasMessageContaining("writable by every user")
                .hasMessageContaining("chmod o-w");
        assertThatThrownBy(() -> backend.create(locks, groupOf(root))).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("writable by every user");
        assertThat(locks).isEmptyDirectory();
    }

    @ParameterizedTest
    @EnumSource(DirectoryBackend.class)
    void aGroupWritableDirectoryIsUsedOnlyWhenThatGroupIsConfiguredAsShared(DirectoryBackend backend) throws Exception {
        Files.setAttribute(DirectoryBackend.createDirectory(locks, "rwxrwx---"), "unix:uid", OTHER_UID);
        assertThatThrownBy(() -> backend.create(locks)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("not to this process's user");
        assertThatThrownBy(() -> backend.create(locks, "no-such-shared-group"))
                .isInstanceOf(LockBackendException.class).hasMessageContaining("shared group no-such-shared-group");
        try (LockBackend shared = backend.create(locks, groupOf(locks))) {
            BackendLock lock = shared.acquire("job", Deadline.after(Duration.ZERO), reason -> { });
            assertThat(lock).as("a member of the shared group takes locks in the group's directory").isNotNull();
            lock.release();
        }
    }

    @ParameterizedTest
    @EnumSource(DirectoryBackend.class)
    void aSymbolicLinkAsTheDirectoryIsRefused(DirectoryBackend backend) throws Exception {
        Path real = DirectoryBackend.createDirectory(root.resolve("real"), "rwx------");
        Files.createSymbolicLink(locks, real);
        assertThatThrownBy(() -> backend.create(locks)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("Lock directory " + locks).hasMessageContaining("symbolic link");
        assertThat(real).isEmptyDirectory();
    }

    @ParameterizedTest
    @EnumSource(DirectoryBackend.class)
    void aDirectoryTheBackendCreatesIsPrivate(DirectoryBackend backend) throws Exception {
        Path nested = locks.resolve("inner");
        try (LockBackend created = backend.create(nested)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested))).isEqualTo("rwx------");
            assertThat(created.status().usable()).isTrue();
        }
    }

    /**
     * Every file a lock keeps in the directory, replaced by a link to a file outside it, a FIFO,
     * or a file of another user: start-up or the acquisition fails with a clear error, nothing
     * hangs, no lock is left, and the file outside is untouched.
     */
    @ParameterizedTest(name = "{0} {1} as {2}")
    @CsvSource({
        "SOCKET, .slocket-rights, LINK", "SOCKET, .slocket-rights, FIFO", "SOCKET, .slocket-rights, FOREIGN",
        "SOCKET, .slocket-tokens, LINK", "SOCKET, .slocket-tokens, FIFO", "SOCKET, .slocket-tokens, FOREIGN",
        "FILE, .slocket-rights, LINK", "FILE, .slocket-rights, FIFO", "FILE, .slocket-rights, FOREIGN",
        "FILE, .slocket-tokens, LINK", "FILE, .slocket-tokens, FIFO", "FILE, .slocket-tokens, FOREIGN",
    })
    void aPlantedLockFileIsRefusedAndNothingOutsideIsTouched(DirectoryBackend backend, String file, Plant plant)
            throws Exception {
        DirectoryBackend.createDirectory(locks, "rwx------");
        if (backend == DirectoryBackend.FILE && file.equals(".slocket-rights")) {
            // the rights file is first needed by a stale takeover
            Path stale = Files.createDirectory(locks.resolve("job.lock"));
            Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        }
        plant.at(locks.resolve(file), outside);
        Throwable thrown = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> catchThrowable(() -> {
            try (LockBackend locking = backend.create(locks)) {
                locking.acquire("job", Deadline.after(Duration.ofMillis(100)), reason -> { });
            }
        }));
        assertThat(thrown).isInstanceOf(LockBackendException.class).hasMessageContaining(file)
                .hasMessageContaining("nothing was written to it");
        assertThat(locks.resolve("job.sock")).as("no lock is left behind").doesNotExist();
        if (!(backend == DirectoryBackend.FILE && file.equals(".slocket-rights"))) {
            assertThat(locks.resolve("job.lock")).as("no lock is left behind").doesNotExist();
        }
        if (plant == Plant.FOREIGN) {
            assertThat(locks.resolve(file)).hasContent("00000000000000000007");
        }
        assertUntouched();
    }

    /** The lock's own path (socket, lock directory) planted: never taken, and nothing outside changes. */
    @ParameterizedTest(name = "{0} {1} as {2}")
    @CsvSource({ "SOCKET, job.sock, LINK", "SOCKET, job.sock, FIFO", "FILE, job.lock, LINK", "FILE, job.lock, FIFO" })
    void aPlantedLockPathIsNeverTakenAndNothingOutsideIsTouched(DirectoryBackend backend, String file, Plant plant)
            throws Exception {
        try (LockBackend locking = backend.create(locks)) {
            plant.at(locks.resolve(file), outside);
            BackendLock lock = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> locking.acquire("job", Deadline.after(Duration.ofMillis(100)), reason -> { }));
            assertThat(lock).isNull();
        }
        assertUntouched();
    }

    /** A counter that was used, then replaced by a link: the next token is refused, not written through. */
    @ParameterizedTest
    @CsvSource({ "SOCKET, .slocket-tokens", "FILE, .slocket-tokens" })
    void aCounterReplacedByALinkAfterUseIsRefused(DirectoryBackend backend, String counter) throws Exception {
        try (LockBackend locking = backend.create(locks)) {
            locking.acquire("job", Deadline.after(Duration.ZERO), reason -> { }).release();
            Files.delete(locks.resolve(counter));
            Plant.LINK.at(locks.resolve(counter), outside);
            assertThatThrownBy(() -> locking.acquire("job", Deadline.after(Duration.ZERO), reason -> { }))
                    .isInstanceOf(LockBackendException.class).hasMessageContaining("symbolic link");
        }
        assertUntouched();
    }

    @Test
    void theHealthCheckNamesADirectoryOfAnotherUser() throws Exception {
        try (LockBackend locking = DirectoryBackend.SOCKET.create(locks)) {
            Files.setAttribute(locks, "unix:uid", OTHER_UID);
            assertThat(locking.status().usable()).isFalse();
            assertThat(locking.status().reason()).contains("not to this process's user").contains(locks.toString());
        }
    }

    private void assertUntouched() throws Exception {
        assertThat(outside).hasContent(PRECIOUS);
        assertThat(Files.getLastModifiedTime(outside).toMillis()).isEqualTo(1_000_000_000_000L);
        assertThat(Files.readAttributes(outside, PosixFileAttributes.class).owner().getName()).isEqualTo("root");
    }

    private static String groupOf(Path path) throws Exception {
        return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).group().getName();
    }

    /** What another user leaves in place of a lock file. */
    enum Plant {
        LINK, FIFO, FOREIGN;

        void at(Path file, Path outside) throws Exception {
            switch (this) {
                case LINK -> Files.createSymbolicLink(file, outside);
                case FIFO -> {
                    Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).start();
                    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
                }
                default -> {
                    Files.writeString(file, "00000000000000000007");
                    Files.setAttribute(file, "unix:uid", OTHER_UID);
                }
            }
        }
    }
}
