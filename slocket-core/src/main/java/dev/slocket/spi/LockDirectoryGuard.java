package dev.slocket.spi;

import dev.slocket.LockBackendException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A lock directory that no other local user controls, and the only way the socket and file
 * backends open the files they keep in it (threat model and set-up: README "Security").
 *
 * <p><b>The directory</b> is checked by {@link DirectoryCheck} when the guard is made and again
 * whenever a file is created in it: {@code lstat}ed (a symbolic link is refused), owned by the
 * effective user and writable by no one else; or, shared with a configured group, of that group
 * and not writable by others. A missing directory is created by {@code mkdir} with the configured
 * permissions (the umask can only narrow them), so it never has wider permissions than its final
 * ones; only the bits the umask removed are added afterwards.
 *
 * <p>The checked directory is resolved to its real path once, and its file system probed once
 * for case-insensitive names, so that lock names are encoded accordingly ({@link LockNames}).
 *
 * <p><b>Files in it</b> are created with {@code O_CREAT|O_EXCL|O_NOFOLLOW}, so a planted link
 * makes the creation fail instead of being followed. A file that exists already is
 * {@code lstat}ed first and must be a regular file with a single link that belongs to the
 * effective user (or, shared, whose group is the shared group); it is then opened with
 * {@code O_NOFOLLOW} and must still be the same file afterwards. Anything else is refused with a
 * {@link LockBackendException} before a byte is written.
 */
public final class LockDirectoryGuard implements LockFileOpener {

    private static final int TYPE_MASK = 0170000;

    private static final int REGULAR = 0100000;

    private static final int LINK = 0120000;

    private static final int SETGID = 02000;

    private static final String FILE_ATTRIBUTES = "unix:mode,uid,gid,nlink,fileKey";

    /** Creations that race with a concurrent removal are retried this often before giving up. */
    private static final int MAX_OPEN_ATTEMPTS = 8;

    private static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    private static final Set<OpenOption> OPEN_EXISTING = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);

    private final Path directory;

    private final String sharedGroup;

    private final Set<PosixFilePermission> filePermissions;

    private final boolean caseInsensitive;

    private LockDirectoryGuard(Path directory, String sharedGroup, boolean caseInsensitive) {
        this.directory = directory;
        this.sharedGroup = sharedGroup;
        this.caseInsensitive = caseInsensitive;
        this.filePermissions = PosixFilePermissions.fromString((sharedGroup != null) ? "rw-rw----" : "rw-------");
    }

    /**
     * Creates the directory if missing, then checks it.
     *
     * @param directory the absolute lock directory
     * @param sharedGroup the group whose users share the directory's locks; {@code null} for a private directory
     * @param createPermissions the permissions of a directory created here
     * @return the guard of the checked directory
     * @throws LockBackendException naming the directory, its owner and mode, and what to do
     */
    public static LockDirectoryGuard prepare(Path directory, String sharedGroup,
            Set<PosixFilePermission> createPermissions) {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            create(directory, sharedGroup, createPermissions);
        }
        new LockDirectoryGuard(directory, sharedGroup, false).requireSafe();
        Path real;
        try {
            real = directory.toRealPath();
        }
        catch (IOException ex) {
            throw new LockBackendException("Cannot resolve the real path of lock directory " + directory + ": " + ex,
                    ex);
        }
        LockDirectoryGuard guard = new LockDirectoryGuard(real, sharedGroup, isCaseInsensitive(real));
        guard.requireSafe();
        return guard;
    }

    /** @return whether names that differ only in case are one file in {@code directory} (macOS default) */
    private static boolean isCaseInsensitive(Path directory) {
        try {
            Path probe = Files.createTempFile(directory, ".slocket-case-", ".probe");
            try {
                String upper = probe.getFileName().toString().toUpperCase(Locale.ROOT);
                return Files.exists(directory.resolve(upper), LinkOption.NOFOLLOW_LINKS);
            }
            finally {
                Files.delete(probe);
            }
        }
        catch (IOException ex) {
            throw new LockBackendException("Lock directory " + directory + " is not writable by this process: cannot"
                    + " create a file in it (" + ex + ")", ex);
        }
    }

    private static void create(Path directory, String sharedGroup, Set<PosixFilePermission> permissions) {
        try {
            Files.createDirectories(directory.getParent());
            try {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(permissions));
            }
            catch (FileAlreadyExistsException ex) {
                return; // made by another process meanwhile: checked like any existing directory
            }
        }
        catch (IOException | UnsupportedOperationException ex) {
            throw new LockBackendException("Lock directory " + directory + " is missing and cannot be created: " + ex,
                    ex);
        }
        try {
            if (sharedGroup != null) {
                GroupPrincipal group = directory.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(sharedGroup);
                Files.getFileAttributeView(directory, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).setGroup(group);
            }
            if (!Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS).equals(permissions)) {
                Files.setPosixFilePermissions(directory, permissions);
            }
            if (sharedGroup != null) {
                // setgid: files created in it get the shared group, whoever creates them
                int mode = (Integer) Files.getAttribute(directory, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(directory, "unix:mode", (mode & 07777) | SETGID, LinkOption.NOFOLLOW_LINKS);
            }
        }
        catch (IOException ex) {
            throw new LockBackendException("Lock directory " + directory + " was created but its group or permissions"
                    + " cannot be set (shared group " + sharedGroup + ", permissions "
                    + PosixFilePermissions.toString(permissions) + "): " + ex, ex);
        }
    }

    /** @return the directory's real path, resolved once, so two paths to it are one set of locks */
    public Path path() {
        return directory;
    }

    /** @return whether the directory's file system treats names that differ only in case as one */
    public boolean caseInsensitive() {
        return caseInsensitive;
    }

    /** @return the group whose users share the directory's locks; {@code null} for a private directory */
    public String sharedGroup() {
        return sharedGroup;
    }

    /**
     * Checks the directory again.
     *
     * @throws LockBackendException if another user could control it now
     */
    public void requireSafe() {
        DirectoryCheck.unsafe(directory, sharedGroup, new LinkedHashMap<>()).ifPresent(problem -> {
            throw new LockBackendException(problem);
        });
    }

    /**
     * Opens a lock file of this directory: a new one is created without following links (and the
     * directory is checked again); an existing one must be a regular file of the effective user
     * or, shared, of the shared group.
     */
    @Override
    public FileChannel open(Path file) throws IOException {
        return open(file, PosixFilePermissions.asFileAttribute(filePermissions), this::requireOwned, this::created);
    }

    /** {@link LockFileOpener#NO_LINKS}: regular files only, owners not checked. */
    static FileChannel openRegularFile(Path file) throws IOException {
        return open(file, null, (path, attributes) -> { }, path -> { });
    }

    private static FileChannel open(Path file, FileAttribute<?> permissions, OwnerCheck owner, Created created)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                FileChannel channel = (permissions != null) ? FileChannel.open(file, CREATE_NEW, permissions)
                        : FileChannel.open(file, CREATE_NEW);
                return afterCreation(file, channel, created);
            }
            catch (FileAlreadyExistsException ex) {
                // existing (or a link, a FIFO, ...): checked before it is opened
            }
            try {
                return openExisting(file, owner);
            }
            catch (NoSuchFileException ex) {
                if (attempt >= MAX_OPEN_ATTEMPTS) {
                    throw ex;
                }
            }
        }
    }

    private static FileChannel afterCreation(Path file, FileChannel channel, Created created) throws IOException {
        try {
            created.check(file);
            return channel;
        }
        catch (IOException | RuntimeException ex) {
            channel.close();
            Files.deleteIfExists(file);
            throw ex;
        }
    }

    private static FileChannel openExisting(Path file, OwnerCheck owner) throws IOException {
        Map<String, Object> before = Files.readAttributes(file, FILE_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        int type = (Integer) before.get("mode") & TYPE_MASK;
        if (type == LINK) {
            throw refused(file, "it is a symbolic link");
        }
        if (type != REGULAR) {
            throw refused(file, "it is not a regular file (a FIFO, socket, device or directory)");
        }
        if ((Integer) before.get("nlink") != 1) {
            throw refused(file, "it has " + before.get("nlink") + " hard links");
        }
        owner.check(file, before);
        FileChannel channel = FileChannel.open(file, OPEN_EXISTING);
        Object now = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        if (!before.get("fileKey").equals(now)) {
            channel.close();
            throw refused(file, "it was replaced while it was being opened");
        }
        return channel;
    }

    private void requireOwned(Path file, Map<String, Object> attributes) throws IOException {
        int uid = (Integer) attributes.get("uid");
        if (uid == EffectiveUser.uid()) {
            return;
        }
        if (sharedGroup != null && attributes.get("gid").equals(Files.getAttribute(directory, "unix:gid",
                LinkOption.NOFOLLOW_LINKS))) {
            return;
        }
        throw refused(file, "it belongs to uid " + uid + " (group id " + attributes.get("gid")
                + "), not to this process's user (uid " + EffectiveUser.uid() + ")"
                + ((sharedGroup != null) ? " nor to the shared group " + sharedGroup : ""));
    }

    private void created(Path file) throws IOException {
        requireSafe();
        if (sharedGroup != null && !Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                .equals(filePermissions)) {
            Files.setPosixFilePermissions(file, filePermissions);
        }
    }

    private static LockBackendException refused(Path file, String why) {
        return new LockBackendException("Refusing lock file " + file + ": " + why + ". Another local user may have"
                + " planted it; nothing was written to it. Remove it once you know how it got there, and check who"
                + " can write to " + file.getParent());
    }

    /** Decides whether an existing file's owner may be trusted. */
    @FunctionalInterface
    private interface OwnerCheck {

        void check(Path file, Map<String, Object> attributes) throws IOException;
    }

    /** Runs once a new file was created, before it is used. */
    @FunctionalInterface
    private interface Created {

        void check(Path file) throws IOException;
    }
}
