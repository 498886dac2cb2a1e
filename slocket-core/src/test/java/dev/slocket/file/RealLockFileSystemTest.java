package dev.slocket.file;

import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The exceptions of the real file system that the file backend tells apart (FL-18..FL-23,
 * FL-32, FL-33, FL-46), pinned on every JDK the build runs on: JDKs differ here (JDK 25 reports
 * a path through a regular file, {@code ENOTDIR}, as {@link NoSuchFileException} from a stat).
 */
class RealLockFileSystemTest {

    @TempDir
    Path directory;

    private final RealLockFileSystem fs = new RealLockFileSystem();

    @AfterEach
    void close() {
        fs.close();
    }

    /** FL-32: only a lock directory missing from an existing directory has vanished. */
    @Test
    void statReportsAMissingEntryAsNoSuchFile() throws Exception {
        assertThatThrownBy(() -> fs.stat(directory.resolve("none.lock"))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> fs.stat(directory.resolve("gone/none.lock"))).isInstanceOf(NoSuchFileException.class);
    }

    /** FL-33: a path that leads through a regular file is unreachable, not missing, on every JDK. */
    @Test
    void statReportsAPathThroughARegularFileAsNotADirectory() throws Exception {
        Path file = Files.createFile(directory.resolve("was-a-mount"));
        for (Path unreachable : new Path[] { file.resolve("a.lock"), file.resolve("sub/a.lock") }) {
            assertThatThrownBy(() -> fs.stat(unreachable)).as(unreachable.toString())
                    .isInstanceOf(FileSystemException.class).isNotInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining("Not a directory");
        }
    }

    /** FL-36: the heartbeat's mtime write fails the same way, not as a vanished directory. */
    @Test
    void setMtimeThroughARegularFileIsNotNoSuchFile() throws Exception {
        Path file = Files.createFile(directory.resolve("was-a-mount"));
        assertThatThrownBy(() -> fs.setMtime(file.resolve("a.lock"), System.currentTimeMillis()))
                .isInstanceOf(FileSystemException.class).isNotInstanceOf(NoSuchFileException.class);
    }

    /** FL-17, FL-18: mkdir tells "taken" from "no parent" from "parent is a file". */
    @Test
    void createDirectoryTellsTakenFromMissingParentFromUnreachable() throws Exception {
        Path taken = Files.createDirectory(directory.resolve("taken.lock"));
        Path file = Files.createFile(directory.resolve("file.lock"));
        assertThatThrownBy(() -> fs.createDirectory(taken)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> fs.createDirectory(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> fs.createDirectory(directory.resolve("gone/a.lock")))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> fs.createDirectory(file.resolve("a.lock"))).isInstanceOf(FileSystemException.class)
                .isNotInstanceOf(NoSuchFileException.class).isNotInstanceOf(FileAlreadyExistsException.class);
    }

    /** FL-22, FL-46: removal tells "already gone" from "not empty". */
    @Test
    void deleteTellsGoneFromNotEmpty() throws Exception {
        Path full = Files.createDirectory(directory.resolve("full.lock"));
        Files.createFile(full.resolve("inside"));
        assertThatThrownBy(() -> fs.delete(full)).isInstanceOf(DirectoryNotEmptyException.class);
        assertThatThrownBy(() -> fs.delete(directory.resolve("gone.lock"))).isInstanceOf(NoSuchFileException.class);
    }

    /** FL-24: the takeover's rename of a directory that vanished meanwhile. */
    @Test
    void moveOfAMissingDirectoryIsNoSuchFile() {
        assertThatThrownBy(() -> fs.move(directory.resolve("gone.lock"), directory.resolve("tombstone"),
                StandardCopyOption.ATOMIC_MOVE)).isInstanceOf(NoSuchFileException.class);
    }

    /** FL-24: the takeover's OS lock is exclusive inside one JVM too, and free again once closed. */
    @Test
    void tryLockIsExclusiveWithinTheJvm() throws Exception {
        LockPaths sidecar = LockPaths.forLockDir(directory.resolve("a.lock"));
        try (LockFileSystem.OsLock first = fs.tryLock(sidecar)) {
            assertThat(first).isNotNull();
            assertThat(fs.tryLock(sidecar)).isNull();
        }
        try (LockFileSystem.OsLock again = fs.tryLock(sidecar)) {
            assertThat(again).isNotNull();
        }
    }
}
