package dev.slocket.file;

import dev.slocket.spi.DirectoryCheck;
import dev.slocket.spi.DirectoryState;
import dev.slocket.spi.FencingCounterFile;
import dev.slocket.spi.FencingCounters;
import dev.slocket.spi.LockDirectoryGuard;
import dev.slocket.spi.LockFileOpener;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * The default {@link LockFileSystem}: {@link Files} on the real file system. Sidecars and counters
 * are never opened through a symbolic link; once {@link #prepareDirectory} has checked the backend
 * directory, only files of this user (or the shared group) are used in it.
 */
final class RealLockFileSystem implements LockFileSystem {

    private static final int MAX_OPEN_COUNTERS = 64;

    /** The takeover right's index among a name's rights in the shared rights file. */
    private static final int TAKEOVER_RIGHT = 2;

    /** Opens sidecars and counters: only regular files, and in a prepared directory only ours. */
    private volatile LockFileOpener opener = LockFileOpener.NO_LINKS;

    /** The path form's fencing counters of recently used files, kept open (bounded; local file systems only). */
    private final FencingCounters tokens = new FencingCounters(MAX_OPEN_COUNTERS, file -> opener.open(file));

    @Override
    public void createDirectory(Path dir) throws IOException {
        Files.createDirectory(dir);
    }

    @Override
    public boolean prepareDirectory(Path dir, String sharedGroup) throws IOException {
        LockDirectoryGuard guard = LockDirectoryGuard.prepare(dir, sharedGroup,
                PosixFilePermissions.fromString((sharedGroup != null) ? "rwxrwx---" : "rwx------"));
        if (!Files.isWritable(dir)) {
            throw new AccessDeniedException(dir.toString(), null, "the lock directory is not writable");
        }
        opener = guard;
        return guard.caseInsensitive();
    }

    @Override
    public boolean isDirectory(Path path) {
        return Files.isDirectory(path);
    }

    @Override
    public Path realPath(Path path) throws IOException {
        return path.toRealPath();
    }

    @Override
    public DirStamp stat(Path path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (NoSuchFileException ex) {
            throw missingOrUnreachable(path, ex);
        }
        return new DirStamp(attributes.fileKey(), attributes.lastModifiedTime());
    }

    /**
     * Tells "no such entry" ({@code ENOENT}) from "a component of the path is not a directory"
     * ({@code ENOTDIR}), which JDK 25 reports as {@link NoSuchFileException} too (JDK-8356678)
     * where JDK 17 gives a {@link FileSystemException} "Not a directory". Only the first means a
     * lock directory vanished (FL-32); the second (a mount gone, a directory replaced by a file)
     * leaves the lock directory unreachable, not gone, and is retried like any other error (FL-33).
     */
    private static IOException missingOrUnreachable(Path path, NoSuchFileException ex) {
        for (Path ancestor = path.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            if (Files.exists(ancestor)) {
                return Files.isDirectory(ancestor) ? ex
                        : new FileSystemException(path.toString(), null, "Not a directory");
            }
        }
        return ex;
    }

    @Override
    public void setMtime(Path path, long millis) throws IOException {
        FileTime time = FileTime.fromMillis(millis);
        Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(time, time, null);
    }

    @Override
    public void delete(Path path) throws IOException {
        Files.delete(path);
    }

    @Override
    public void move(Path from, Path to, CopyOption... options) throws IOException {
        Files.move(from, to, options);
    }

    @Override
    public OsLock tryLock(LockPaths paths) throws IOException {
        if (paths.shared()) {
            FileLock lock = DirectoryState.of(paths.parent(), opener)
                    .tryLock(DirectoryState.rightPosition(paths.key(), TAKEOVER_RIGHT));
            return (lock != null) ? lock::release : null;
        }
        FileChannel channel = opener.open(paths.takeoverFile());
        FileLock lock;
        try {
            lock = channel.tryLock();
        }
        catch (OverlappingFileLockException ex) {
            lock = null;
        }
        catch (IOException | RuntimeException ex) {
            channel.close();
            throw ex;
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        return channel::close;
    }

    @Override
    public long nextToken(LockPaths paths) {
        if (paths.shared()) {
            return DirectoryState.of(paths.parent(), opener).nextToken(paths.key(), FencingCounterFile.clockFloor());
        }
        return tokens.next(paths.fenceFile());
    }

    @Override
    public WatchKey watchDeletions(Path directory, WatchService service) throws IOException {
        return directory.register(service, StandardWatchEventKinds.ENTRY_DELETE);
    }

    @Override
    public Optional<String> directoryProblem(Path directory, String sharedGroup, Map<String, Object> details) {
        return DirectoryCheck.problem(directory, sharedGroup, details);
    }

    @Override
    public void close() {
        tokens.close();
    }
}
