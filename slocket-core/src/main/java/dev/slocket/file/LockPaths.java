package dev.slocket.file;

import dev.slocket.spi.DirectoryState;
import dev.slocket.spi.LockNames;

import java.nio.file.Path;

/**
 * Where one lock lives: the lock directory, whose existence means "locked", the file whose OS
 * lock serialises stale takeovers, and the fencing-token counter. Nothing is ever written inside
 * the lock directory, so {@code proper-lockfile} can always remove it (spec FL-59).
 *
 * <p>A named lock of {@link FileLockBackend} keeps nothing of its own beside its lock directory:
 * its takeover lock and counter are the name's slots in the backend directory's shared files
 * ({@link DirectoryState}), found by {@code key}. A lock of the path form ({@link FileLocks}) has
 * two sidecar files of its own beside the lock directory, never deleted.
 *
 * @param lockDir the lock directory
 * @param takeoverFile the file whose OS lock serialises takeovers (shared: the rights file)
 * @param fenceFile the fencing-token counter (shared: the counters file)
 * @param key the name's key in the directory's shared files; {@code null} for the path form
 */
record LockPaths(Path lockDir, Path takeoverFile, Path fenceFile, String key) {

    static final String LOCK_SUFFIX = ".lock";

    private static final int MAX_FILE_NAME = 255;


    /**
     * The paths of lock {@code name}: {@code <directory>/<encoded name>.lock}, which is what
     * {@code proper-lockfile} uses for the path {@code <directory>/<encoded name>} with
     * {@code realpath: false}, and the directory's shared files.
     *
     * @param directory the backend directory
     * @param name a valid lock name
     * @param foldCase whether the directory's file system ignores case (see {@link LockNames#encode(String, boolean)})
     * @return the paths
     */
    static LockPaths forName(Path directory, String name, boolean foldCase) {
        String lockDirName = fileName(name, LOCK_SUFFIX, foldCase);
        return new LockPaths(directory.resolve(lockDirName), directory.resolve(DirectoryState.RIGHTS),
                directory.resolve(DirectoryState.TOKENS), lockDirName);
    }

    /**
     * @param lockDir a lock directory given as a path (the path form)
     * @return the lock directory and sidecars beside it
     */
    static LockPaths forLockDir(Path lockDir) {
        String base = lockDir.getFileName().toString();
        return new LockPaths(lockDir, lockDir.resolveSibling(base + ".takeover"), lockDir.resolveSibling(base + ".fence"),
                null);
    }

    /**
     * @param name a valid lock name
     * @return the file name of its lock directory on a case-sensitive file system
     */
    static String lockDirName(String name) {
        return fileName(name, LOCK_SUFFIX, false);
    }

    private static String fileName(String name, String suffix, boolean foldCase) {
        return LockNames.encode(name, MAX_FILE_NAME - suffix.length(), foldCase) + suffix;
    }

    /** @return whether the takeover lock and counter are slots of the directory's shared files */
    boolean shared() {
        return key != null;
    }

    /** @return the directory that holds the lock directory */
    Path parent() {
        return lockDir.getParent();
    }
}
