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
     * @return the paths
     */
    static LockPaths forName(Path directory, String name) {
        return new LockPaths(directory.resolve(fileName(name, LOCK_SUFFIX)),
                directory.resolve(fileName(name, TAKEOVER_SUFFIX)), directory.resolve(fileName(name, FENCE_SUFFIX)));
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
     * @return the file name of its lock directory
     */
    static String lockDirName(String name) {
        return fileName(name, LOCK_SUFFIX);
    }

    private static String fileName(String name, String suffix) {
        return LockNames.encode(name, MAX_FILE_NAME - suffix.length()) + suffix;
    }

    /** @return the directory that holds the lock directory */
    Path parent() {
        return lockDir.getParent();
    }
}
