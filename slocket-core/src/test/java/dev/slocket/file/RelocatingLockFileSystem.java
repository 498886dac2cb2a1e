package dev.slocket.file;

import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link LockFileSystem} that shows the real directory {@code realRoot} under the path
 * {@code virtualRoot}. With a virtual root below a regular file, any access to a lock path that
 * bypasses this file system fails on the real one (spec FL-12).
 */
final class RelocatingLockFileSystem extends DelegatingLockFileSystem {

    private final Path virtualRoot;

    private final Path realRoot;

    RelocatingLockFileSystem(Path virtualRoot, Path realRoot) {
        this.virtualRoot = virtualRoot;
        this.realRoot = realRoot;
    }

    private Path toReal(Path path) {
        if (!path.startsWith(virtualRoot)) {
            throw new AssertionError("access outside the injected file system's root: " + path);
        }
        return realRoot.resolve(virtualRoot.relativize(path));
    }

    @Override
    public void createDirectory(Path dir) throws IOException {
        super.createDirectory(toReal(dir));
    }

    @Override
    public boolean prepareDirectory(Path dir, String sharedGroup) throws IOException {
        return super.prepareDirectory(toReal(dir), sharedGroup);
    }

    @Override
    public boolean isDirectory(Path path) {
        return super.isDirectory(toReal(path));
    }

    @Override
    public Path realPath(Path path) throws IOException {
        return virtualRoot.resolve(realRoot.toRealPath().relativize(super.realPath(toReal(path))));
    }

    @Override
    public DirStamp stat(Path path) throws IOException {
        return super.stat(toReal(path));
    }

    @Override
    public void setMtime(Path path, long millis) throws IOException {
        super.setMtime(toReal(path), millis);
    }

    @Override
    public void delete(Path path) throws IOException {
        super.delete(toReal(path));
    }

    @Override
    public void move(Path from, Path to, CopyOption... options) throws IOException {
        super.move(toReal(from), toReal(to), options);
    }

    @Override
    public OsLock tryLock(LockPaths paths) throws IOException {
        return super.tryLock(toReal(paths));
    }

    @Override
    public long nextToken(LockPaths paths) {
        return super.nextToken(toReal(paths));
    }

    private LockPaths toReal(LockPaths paths) {
        return new LockPaths(toReal(paths.lockDir()), toReal(paths.takeoverFile()), toReal(paths.fenceFile()),
                paths.key());
    }

    @Override
    public Optional<String> directoryProblem(Path directory, String sharedGroup, Map<String, Object> details) {
        return super.directoryProblem(toReal(directory), sharedGroup, details);
    }

    /** Events would name real paths, so none are reported: waiters poll. */
    @Override
    public WatchKey watchDeletions(Path directory, WatchService service) {
        toReal(directory);
        count("watchDeletions");
        return null;
    }
}
