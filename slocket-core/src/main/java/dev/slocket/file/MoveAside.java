package dev.slocket.file;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a lock directory only if it is a given one, without a window in which another
 * process's fresh lock of the same name could be removed by path: rename it to a unique
 * tombstone name in the same directory ({@code .slocket-tombstone-<uuid>}, a hidden name no
 * encoded lock name takes), stat what was moved, and remove it only if it is the expected
 * directory (same file key and mtime); otherwise put it back. Used by the stale takeover and by
 * release.
 */
final class MoveAside {

    private static final Logger log = LoggerFactory.getLogger(MoveAside.class);

    private MoveAside() {
    }

    /** What became of the lock directory. */
    enum Outcome {
        /** It was the expected directory and is gone. */
        REMOVED,
        /** Nothing was there. */
        MISSING,
        /** It was someone else's; it was put back (or, if that failed, its owner will see it lost). */
        NOT_OURS
    }

    /**
     * @param fs the file system every access goes through
     * @param lockDir the lock directory
     * @param expected the stamp it must still have
     * @return what happened
     */
    static Outcome removeIf(LockFileSystem fs, Path lockDir, DirStamp expected) throws IOException {
        Path tombstone = lockDir.resolveSibling(".slocket-tombstone-" + UUID.randomUUID());
        try {
            fs.move(lockDir, tombstone, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (NoSuchFileException ex) {
            return Outcome.MISSING;
        }
        DirStamp moved = fs.stat(tombstone);
        if (!moved.equals(expected)) {
            restore(fs, tombstone, lockDir);
            return Outcome.NOT_OURS;
        }
        removeTombstone(fs, tombstone);
        return Outcome.REMOVED;
    }

    private static void restore(LockFileSystem fs, Path tombstone, Path lockDir) throws IOException {
        try {
            fs.move(tombstone, lockDir);
            log.warn("Lock {} changed hands before it could be removed; put it back", lockDir);
        }
        catch (FileAlreadyExistsException ex) {
            // its owner's heartbeat now finds the directory changed and reports the loss
            log.warn("Lock {} changed hands before it could be removed and could not be put back; its owner will"
                    + " see it lost", lockDir);
            removeTombstone(fs, tombstone);
        }
    }

    private static void removeTombstone(LockFileSystem fs, Path tombstone) throws IOException {
        try {
            fs.delete(tombstone);
        }
        catch (DirectoryNotEmptyException ex) {
            log.warn("Lock directory moved to {} is not empty; left in place", tombstone);
        }
    }
}
