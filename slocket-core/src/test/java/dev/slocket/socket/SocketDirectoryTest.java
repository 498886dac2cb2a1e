package dev.slocket.socket;

import dev.slocket.LockBackendException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lock directory and the files in it: modes, clear errors for unusable directories, and the
 * digest form of names too long for a socket path (SL-4).
 */
class SocketDirectoryTest {

    @TempDir
    Path root;

    @Test
    void createsTheDirectoryPrivateAndItsSocketsOwnerOnly() throws Exception {
        Path directory = root.resolve("a/b/locks");
        SocketLockBackend backend = new SocketLockBackend(SocketLockOptions.defaults(directory));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        BackendLock lock = backend.acquire("modes", Deadline.after(Duration.ZERO), reason -> { });
        Path socket = backend.socketPath("modes");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        lock.release();
    }

    @Test
    void appliesConfiguredModesAndTheSharedGroup() throws Exception {
        Path directory = root.resolve("shared");
        String group = Files.readAttributes(root, PosixFileAttributes.class).group().getName();
        SocketLockBackend backend = new SocketLockBackend(SocketLockOptions.builder(directory).sharedGroup(group)
                .directoryPermissions("rwxrwx---").socketPermissions("rw-rw----").build());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwxrwx---");
        assertThat(Files.readAttributes(directory, PosixFileAttributes.class).group().getName()).isEqualTo(group);
        assertThat((Integer) Files.getAttribute(directory, "unix:mode") & 07777).as("setgid, group rwx").isEqualTo(02770);
        BackendLock lock = backend.acquire("group", Deadline.after(Duration.ZERO), reason -> { });
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backend.socketPath("group"))))
                .isEqualTo("rw-rw----");
        lock.release();
    }

    @Test
    void groupOrOthersWriteIsRefusedUnlessAGroupIsShared() {
        assertThatThrownBy(() -> SocketLockOptions.builder(root).directoryPermissions("rwxrwx---").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sharedGroup");
        assertThatThrownBy(() -> SocketLockOptions.builder(root).directoryPermissions("rwxrwxrwx").sharedGroup("root")
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("others");
    }

    @Test
    void aFileInsteadOfADirectoryIsAClearError() throws Exception {
        Path file = Files.writeString(root.resolve("plain"), "x");
        assertThatThrownBy(() -> new SocketLockBackend(SocketLockOptions.defaults(file)))
                .isInstanceOf(LockBackendException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsAClearError() throws Exception {
        Path file = Files.writeString(root.resolve("plain"), "x");
        Path below = file.resolve("locks");
        assertThatThrownBy(() -> new SocketLockBackend(SocketLockOptions.defaults(below)))
                .isInstanceOf(LockBackendException.class)
                .hasMessageContaining(below.toString())
                .hasMessageContaining("cannot be created");
    }

    @Test
    void aDirectoryThatIsNotWritableIsAClearError() {
        Path readOnly = Path.of("/proc/1");
        assertThatThrownBy(() -> new SocketLockBackend(SocketLockOptions.defaults(readOnly)))
                .isInstanceOf(LockBackendException.class)
                .hasMessageContaining(readOnly.toString())
                .hasMessageContaining("not writable");
    }

    @Test
    void aDirectoryTooLongForSocketPathsIsAClearError() {
        Path deep = root.resolve("d".repeat(60));
        assertThatThrownBy(() -> new SocketLockBackend(SocketLockOptions.defaults(deep)))
                .isInstanceOf(LockBackendException.class)
                .hasMessageContaining(deep.toString())
                .hasMessageContaining("too long");
    }

    @Test
    void longNamesUseTheDigestFormAndStayDistinct() throws Exception {
        SocketLockBackend backend = new SocketLockBackend(SocketLockOptions.defaults(root.resolve("locks")));
        String common = "x".repeat(200);
        Path first = backend.socketPath(common + "-1");
        Path second = backend.socketPath(common + "-2");
        assertThat(first).isNotEqualTo(second);
        assertThat(first.getFileName().toString()).contains("~").endsWith(".sock");
        assertThat(first.toString().length()).isLessThanOrEqualTo(106);
        BackendLock one = backend.acquire(common + "-1", Deadline.after(Duration.ZERO), reason -> { });
        BackendLock two = new SocketLockBackend(SocketLockOptions.defaults(root.resolve("locks")))
                .acquire(common + "-2", Deadline.after(Duration.ZERO), reason -> { });
        assertThat(one).isNotNull();
        assertThat(two).as("names sharing a long prefix do not collide").isNotNull();
        one.release();
        two.release();
    }
}
