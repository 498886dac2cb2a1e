package dev.slocket.file;

import dev.slocket.spi.DirectoryCheck;
import dev.slocket.spi.FencingCounters;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.CopyOption;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;

/** The default {@link LockFileSystem}: {@link Files} on the real file system. */
final class RealLockFileSystem implements LockFileSystem {

    private static final int MAX_OPEN_COUNTERS = 64;

    /** The fencing counters of recently used names, kept open (bounded; local file systems only). */
    private final FencingCounters tokens = new FencingCounters(MAX_OPEN_COUNTERS);

    @Override
    public void createDirectory(Path dir) throws IOException {
        Files.createDirectory(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public boolean isDirectory(Path path) {
        return Files.isDirectory(path);
    }

    @Override
    public boolean isWritable(Path path) {
        return Files.isWritable(path);
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
        Files.getFileAttributeView(path, BasicFileAttributeView.class).setTimes(time, time, null);
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
    public OsLock tryLock(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
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
    public long nextToken(Path counterFile) {
        return tokens.next(counterFile);
    }

    @Override
    public WatchKey watchDeletions(Path directory, WatchService service) throws IOException {
        return directory.register(service, StandardWatchEventKinds.ENTRY_DELETE);
    }

    @Override
    public Optional<String> directoryProblem(Path directory, Map<String, Object> details) {
        return DirectoryCheck.problem(directory, details);
    }

    @Override
    public void close() {
        tokens.close();
    }
}
