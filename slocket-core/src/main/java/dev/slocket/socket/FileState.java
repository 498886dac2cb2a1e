package dev.slocket.socket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;

/**
 * What is at a lock path, from one {@code lstat}: nothing, a socket or something else, and which
 * file it is. Errors are classified this way rather than by parsing messages (SL-53).
 *
 * <p>A file is identified by its device, inode <em>and</em> modification time (nanoseconds where
 * the file system keeps them): an inode number freed by a deleted socket may be given to the next
 * socket bound at the same path, which then has a later modification time. Nothing changes a
 * socket's modification time after bind (its permissions change its ctime only).
 *
 * @param kind what kind of file
 * @param identity the file's identity; {@code null} when missing
 */
record FileState(Kind kind, Identity identity) {

    /** What kind of file is at the path. */
    enum Kind {
        MISSING, SOCKET, OTHER
    }

    static final FileState MISSING = new FileState(Kind.MISSING, null);

    private static final int TYPE_MASK = 0170000;

    private static final int SOCKET_TYPE = 0140000;

    /**
     * @param path the path to look at (links are not followed)
     * @return its state; {@link #MISSING} if it does not exist or cannot be read
     */
    static FileState of(Path path) {
        try {
            Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,fileKey,lastModifiedTime",
                    LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) attributes.get("mode");
            Kind kind = ((mode & TYPE_MASK) == SOCKET_TYPE) ? Kind.SOCKET : Kind.OTHER;
            return new FileState(kind, new Identity(attributes.get("fileKey"),
                    (FileTime) attributes.get("lastModifiedTime")));
        }
        catch (NoSuchFileException ex) {
            return MISSING;
        }
        catch (IOException ex) {
            return MISSING;
        }
    }

    /**
     * The socket this process has just bound at {@code path}: only its identity is read (a cheaper
     * {@code lstat} than {@link #of}'s, which also classifies the file).
     *
     * @param path the lock path
     * @return the socket's state; {@link #MISSING} if it vanished already
     * @throws IOException if the file cannot be read
     */
    static FileState ofBound(Path path) throws IOException {
        Identity identity = identity(path);
        return (identity != null) ? new FileState(Kind.SOCKET, identity) : MISSING;
    }

    /** @return the identity of what is at {@code path}, {@code null} if nothing is there */
    private static Identity identity(Path path) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return new Identity(attributes.fileKey(), attributes.lastModifiedTime());
        }
        catch (NoSuchFileException ex) {
            return null;
        }
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
        // java.io's delete is one unlink; Files.delete would lstat the path once more first
        return kind == Kind.SOCKET && isStillAt(path) && path.toFile().delete();
    }

    /**
     * Compares identities only: a file with this state's device, inode and modification time is
     * this very file, so its kind need not be read again.
     *
     * @param path the lock path
     * @return whether the file at {@code path} is still this one
     */
    boolean isStillAt(Path path) {
        try {
            return Objects.equals(identity, identity(path));
        }
        catch (IOException ex) {
            return kind == Kind.MISSING;
        }
    }

    /**
     * Which file: device and inode, plus the modification time that tells a reused inode apart.
     *
     * @param fileKey device and inode
     * @param mtime the modification time
     */
    record Identity(Object fileKey, FileTime mtime) {
    }
}
