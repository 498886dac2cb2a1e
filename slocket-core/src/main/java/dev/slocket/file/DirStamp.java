package dev.slocket.file;

import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * The identity of a lock directory at one moment: its file key (device and inode, where the
 * platform has one) and its mtime. Two equal stamps mean "the same directory, untouched".
 *
 * @param fileKey the platform's file key, or {@code null} where there is none
 * @param mtime the last-modified time
 */
record DirStamp(Object fileKey, FileTime mtime) {

    DirStamp {
        Objects.requireNonNull(mtime, "mtime");
    }

    long mtimeMillis() {
        return mtime.toMillis();
    }

    /**
     * @param staleMillis the staleness threshold
     * @param nowMillis the wall clock now
     * @return whether the mtime is strictly older than {@code now - stale}
     */
    boolean isStale(long staleMillis, long nowMillis) {
        return mtimeMillis() < nowMillis - staleMillis;
    }

    /** @return whether {@code other} is the same directory (file key), whatever its mtime */
    boolean sameDirectory(DirStamp other) {
        return Objects.equals(fileKey, other.fileKey);
    }
}
