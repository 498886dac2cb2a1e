package dev.slocket.file;

import dev.slocket.spi.LockNames;

import java.nio.file.Path;

/**
 * Where one lock lives: the lock directory, whose existence means "locked", and two sidecar
 * files beside it that are never deleted: the takeover file (its OS lock serialises stale
 * takeovers) and the fencing-token counter. Nothing is ever written inside the lock directory,
 * so {@code proper-lockfile} can always remove it (spec FL-59).
 *
 * @param lockDir the lock directory
 * @param takeoverFile the sidecar whose OS lock serialises takeovers
 * @param fenceFile the sidecar fencing-token counter
 */
record LockPaths(Path lockDir, Path takeoverFile, Path fenceFile) {

    static final String LOCK_SUFFIX = ".lock";

    private static final int MAX_FILE_NAME = 255;

    private static final String TAKEOVER_SUFFIX = LOCK_SUFFIX + ".takeover";

    private static final String FENCE_SUFFIX = LOCK_SUFFIX + ".fence";

    /**
     * The paths of lock {@code name}: {@code <directory>/<encoded name>.lock}, which is what
     * {@code proper-lockfile} uses for the path {@code <directory>/<encoded name>} with
     * {@code realpath: false}. A sidecar's name is encoded to fit its own longer suffix; for
     * names that fit in plain form it is the lock directory's name plus the suffix.
     *
     * @param directory the backend directory
     * @param name a valid lock name
     * @param foldCase whether the directory's file system ignores case (see {@link LockNames#encode(String, boolean)})
     * @return the paths
     */
    static LockPaths forName(Path directory, String name, boolean foldCase) {
        return new LockPaths(directory.resolve(fileName(name, LOCK_SUFFIX, foldCase)),
                directory.resolve(fileName(name, TAKEOVER_SUFFIX, foldCase)),
                directory.resolve(fileName(name, FENCE_SUFFIX, foldCase)));
    }

    /**
     * @param lockDir a lock directory given as a path (the path form)
     * @return the lock directory and sidecars beside it
     */
    static LockPaths forLockDir(Path lockDir) {
        String base = lockDir.getFileName().toString();
        return new LockPaths(lockDir, lockDir.resolveSibling(base + ".takeover"), lockDir.resolveSibling(base + ".fence"));
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

    /** @return the directory that holds the lock directory */
    Path parent() {
        return lockDir.getParent();
    }
}
