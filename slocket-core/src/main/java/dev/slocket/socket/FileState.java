package dev.slocket.socket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What is at a lock path, from one {@code lstat}: nothing, a socket or something else, and which
 * file (device and inode) it is. Errors are classified this way rather than by parsing messages
 * (SL-53).
 *
 * @param kind what kind of file
 * @param fileKey device and inode; {@code null} when missing
 * @param mode the file's mode bits; 0 when missing
 * @param uid the file's owner; -1 when missing
 * @param gid the file's group; -1 when missing
 */
record FileState(Kind kind, Object fileKey, int mode, int uid, int gid) {

    /** What kind of file is at the path. */
    enum Kind {
        MISSING, SOCKET, OTHER
    }

    static final FileState MISSING = new FileState(Kind.MISSING, null, 0, -1, -1);

    private static final int TYPE_MASK = 0170000;

    private static final int SOCKET_TYPE = 0140000;

    /**
     * @param path the path to look at (links are not followed)
     * @return its state; {@link #MISSING} if it does not exist or cannot be read
     */
    static FileState of(Path path) {
        try {
            Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,fileKey,uid,gid",
                    LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) attributes.get("mode");
            Kind kind = ((mode & TYPE_MASK) == SOCKET_TYPE) ? Kind.SOCKET : Kind.OTHER;
            return new FileState(kind, attributes.get("fileKey"), mode,
                    (Integer) attributes.get("uid"), (Integer) attributes.get("gid"));
        }
        catch (NoSuchFileException ex) {
            return MISSING;
        }
        catch (IOException ex) {
            return MISSING;
        }
    }

    /**
     * Whether the permission bits of this snapshot let a process connect (connecting needs write
     * permission on the socket file). Decided from one {@code lstat}, so a socket that is replaced
     * meanwhile by one of ours cannot pass for a foreign one.
     *
     * @param self the connecting process
     * @return {@code false} only when the bits deny {@code self}; {@code true} for root and when
     *         this process's uid is unknown
     */
    boolean allowsConnectBy(ProcessUser self) {
        if (self.uid() <= 0) {
            return true;
        }
        if (self.uid() == uid) {
            return (mode & 0200) != 0;
        }
        if (self.gid() == gid) {
            return (mode & 0020) != 0;
        }
        return (mode & 0002) != 0;
    }

    /** @return whether a socket is there */
    boolean isSocket() {
        return kind == Kind.SOCKET;
    }

    /**
     * Deletes the socket at {@code path} only if it is still the file this state describes, so a
     * socket that someone bound since is never removed (SL-25).
     *
     * @param path the lock path
     * @return whether the file was deleted
     */
    boolean deleteIfStillAt(Path path) {
        if (kind != Kind.SOCKET || !isSameFileAs(of(path))) {
            return false;
        }
        try {
            return Files.deleteIfExists(path);
        }
        catch (IOException ex) {
            return false;
        }
    }

    /**
     * @param path the lock path
     * @return whether the file at {@code path} is still this one
     */
    boolean isStillAt(Path path) {
        return isSameFileAs(of(path));
    }

    /** Same kind and same device and inode; permissions may have changed (e.g. our chmod after bind). */
    private boolean isSameFileAs(FileState other) {
        return kind == other.kind && Objects.equals(fileKey, other.fileKey);
    }
}
