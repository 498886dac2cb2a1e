package dev.slocket.spi;

import dev.slocket.LockBackendException;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a lock directory keeps about every name, in two files whose sizes do not depend on how
 * many names were ever used (the per-name sidecar and counter files they replace grew with every
 * distinct name): {@value #TOKENS} and {@value #RIGHTS}.
 *
 * <p><b>Fencing counters</b> ({@value #TOKENS}): {@value #SLOTS} slots of 8 bytes (big-endian); a
 * name's counter is the slot its key hashes to. Names that share a slot share its
 * counter, which only makes their tokens skip values: the slot's value only grows, so every
 * name's tokens still strictly increase. An update (read, {@code max(value + 1, floor)}, one
 * 8-byte write) runs under an exclusive POSIX lock of the slot's 8 bytes, and in this JVM
 * under a lock per slot as well, because the POSIX locks of one process do not exclude each
 * other; so holders of two names of one slot never interleave. A process killed inside the update
 * leaves the old or the new value, never a smaller one. On a local file system the file is mapped
 * into memory and the write is one aligned 8-byte store (no system call, no file event); elsewhere
 * it is a {@code pwrite}. Both are the same bytes of one page cache, so processes of either kind
 * (and earlier versions, which use {@code pread}/{@code pwrite}) share the counters.
 *
 * <p><b>Rights</b> ({@value #RIGHTS}, empty): byte-range locks the kernel drops when their process
 * dies (the socket backend's arbiter and grantee rights, see {@code Sidecar}; the file backend's
 * takeover right, see {@code StaleTakeover}) at {@code 3 * h + i} for a 61-bit hash {@code h} of
 * the name's key. Two names share rights only if their hashes collide (about n²/2^62 for n names
 * in use at once); that would make one wait for the other, never let two hold one lock. Only {@code tryLock} and {@code release} are used on
 * its channel, one per JVM and never closed: closing any channel on a file drops every POSIX lock
 * the process holds on it. The counters live in a file of their own so that a counter update cut
 * short by an interrupt (which closes the channel it runs on) can never drop a right.
 *
 * <p>Both files are opened through the directory's {@link LockFileOpener}, so a link or another
 * user's file planted at their paths is refused.
 */
public final class DirectoryState {

    /** The counters' file name in the lock directory: hidden, so no encoded lock name can take it. */
    public static final String TOKENS = ".slocket-tokens";

    /** The rights' file name in the lock directory: hidden, so no encoded lock name can take it. */
    public static final String RIGHTS = ".slocket-rights";

    static final int SLOTS = 4096;

    /** The counters file's size once mapped. */
    private static final long TOKENS_SIZE = (long) SLOTS * Long.BYTES;

    /** Rights per name: the socket backend's arbiter (0) and grantee (1) rights, the file backend's takeover (2). */
    private static final int RIGHTS_PER_NAME = 3;

    private static final long HASH_MASK = (1L << 61) - 1;

    private static final Map<Path, DirectoryState> OPEN = new HashMap<>();

    /** How many keys' hashes are kept: the keys of the locks in use, as a rule. */
    private static final int HASHES_KEPT = 1024;

    /**
     * The hashes of the keys used last (in memory only; never held across I/O): an acquisition asks
     * for its key's hash three times (two rights and the counter slot), and each SHA-256, with its
     * provider lookup, costs microseconds and half a kilobyte of garbage.
     */
    private static final Map<String, Long> HASHES = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > HASHES_KEPT;
        }
    };

    private static final VarHandle SLOT_VALUE = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);

    /**
     * How often the files' times are set while they are in use: age-based tmp cleaners
     * (systemd-tmpfiles' {@code 10d}) delete only files whose times are all older than their age,
     * and the rights file is never written.
     */
    static final long FRESHEN_NANOS = TimeUnit.HOURS.toNanos(1);

    /** Guards {@link #OPEN}; not a monitor, as files are opened under it. */
    private static final ReentrantLock OPEN_GUARD = new ReentrantLock();

    private final Path directory;

    private final LockFileOpener opener;

    private final FileChannel rights;

    /** The rights file's key when it was opened. */
    private final Object rightsKey;

    private final ReentrantLock[] slotLocks = new ReentrantLock[SLOTS];

    /**
     * The counters file's channel and, on a local file system only, its mapping (one page cache for
     * every process, so a store there is what the next {@code pread} of any process reads); guarded
     * by {@link #OPEN_GUARD}: reopened if an interrupt closed the channel, or if the file was
     * replaced or cut short. The rights file's channel is never replaced that way: a second channel
     * on it, once closed by the garbage collector, would drop every right this process holds there.
     */
    private Counters counters;

    /** The counters file's key when it was last opened; guarded by {@link #OPEN_GUARD}. */
    private Object countersKey;

    private volatile long freshenedNanos = System.nanoTime();

    private DirectoryState(Path directory, LockFileOpener opener) throws IOException {
        this.directory = directory;
        this.opener = opener;
        this.rights = opener.open(directory.resolve(RIGHTS));
        FileChannel tokens = opener.open(directory.resolve(TOKENS));
        this.counters = new Counters(tokens, mapIfLocal(directory, tokens));
        Identity opened = Identity.of(directory);
        this.rightsKey = opened.rightsKey();
        this.countersKey = opened.tokensKey();
        for (int i = 0; i < SLOTS; i++) {
            slotLocks[i] = new ReentrantLock();
        }
    }

    /**
     * @param directory the lock directory's real path
     * @param opener opens (or creates) the state file
     * @return the JVM's state of that directory
     * @throws LockBackendException if the file cannot be opened or is refused
     */
    public static DirectoryState of(Path directory, LockFileOpener opener) {
        Identity current = Identity.of(directory);
        DirectoryState state;
        OPEN_GUARD.lock();
        try {
            state = OPEN.get(directory);
            if (state == null || current.rightsKey() == null || !current.rightsKey().equals(state.rightsKey)) {
                try {
                    state = new DirectoryState(directory, opener);
                }
                catch (IOException ex) {
                    throw new LockBackendException("Cannot open the state files of lock directory " + directory + ": "
                            + ex, ex);
                }
                OPEN.put(directory, state);
            }
            else {
                try {
                    state.keepCountersOpen(current);
                }
                catch (IOException ex) {
                    throw new LockBackendException("Cannot open the fencing counters of lock directory " + directory
                            + ": " + ex, ex);
                }
            }
        }
        finally {
            OPEN_GUARD.unlock();
        }
        state.freshenIfDue(System.nanoTime());
        return state;
    }

    /**
     * Sets both files' access and modification times to now if they were last set
     * {@link #FRESHEN_NANOS} or longer before {@code nowNanos}, without following links.
     */
    void freshenIfDue(long nowNanos) {
        if (nowNanos - freshenedNanos < FRESHEN_NANOS) {
            return;
        }
        freshenedNanos = nowNanos;
        FileTime now = FileTime.fromMillis(System.currentTimeMillis());
        for (String file : List.of(RIGHTS, TOKENS)) {
            try {
                Files.getFileAttributeView(directory.resolve(file), BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).setTimes(now, now, null);
            }
            catch (IOException ex) {
                // a file deleted meanwhile is created afresh by the next acquisition
            }
        }
    }

    /**
     * Opens the counters file afresh if it was deleted or replaced since it was opened, and maps it
     * again if it was cut short under its mapping (an update would fault); called under
     * {@link #OPEN_GUARD}. The channel on a replaced file is left open: closing it would drop only
     * locks on that old file, but a slot update may still run on it.
     */
    private void keepCountersOpen(Identity current) throws IOException {
        if (current.tokensKey() == null || !current.tokensKey().equals(countersKey)) {
            FileChannel tokens = opener.open(directory.resolve(TOKENS));
            counters = new Counters(tokens, mapIfLocal(directory, tokens));
            countersKey = Identity.of(directory).tokensKey();
        }
        else if (counters.mapped() != null && current.tokensSize() < TOKENS_SIZE) {
            counters = new Counters(counters.channel(), mapIfLocal(directory, counters.channel()));
        }
    }

    /**
     * @param channel the counters file, for the slot's POSIX lock (and its update elsewhere)
     * @param mapped the whole file mapped, or {@code null} on a file system that may not be coherent
     */
    private record Counters(FileChannel channel, MappedByteBuffer mapped) {
    }

    /**
     * The files' identities, so that files deleted (by a tmp cleaner) or replaced since they were
     * opened are opened afresh, and checked again, for every later acquisition. A channel on a
     * replaced file stays open: rights held on it are released on it.
     *
     * @param rightsKey the rights file's key, {@code null} if it is missing
     * @param tokensKey the counters file's key, {@code null} if it is missing
     * @param tokensSize the counters file's size
     */
    private record Identity(Object rightsKey, Object tokensKey, long tokensSize) {

        static Identity of(Path directory) {
            BasicFileAttributes rights = attributes(directory.resolve(RIGHTS));
            BasicFileAttributes tokens = attributes(directory.resolve(TOKENS));
            return new Identity(rights == null ? null : rights.fileKey(), tokens == null ? null : tokens.fileKey(),
                    tokens == null ? 0 : tokens.size());
        }

        private static BasicFileAttributes attributes(Path file) {
            try {
                return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            }
            catch (IOException ex) {
                return null;
            }
        }
    }

    /**
     * Maps the whole counters file (extending it with zeros, which read as "no token yet"), so an
     * update needs no {@code pread}/{@code pwrite}: those cost several microseconds on a journaling
     * file system (each write also sets the file's times) and woke every watch of the directory.
     *
     * @return the mapping, or {@code null} on a file system that may not be coherent, or if it fails
     */
    private static MappedByteBuffer mapIfLocal(Path directory, FileChannel tokens) {
        try {
            if (!LocalFileSystems.isLocal(directory)) {
                return null;
            }
            return tokens.map(FileChannel.MapMode.READ_WRITE, 0, TOKENS_SIZE);
        }
        catch (IOException | UnsupportedOperationException ex) {
            return null;
        }
    }

    /** @return the file whose byte-range locks are the rights */
    public Path rightsFile() {
        return directory.resolve(RIGHTS);
    }

    private Counters counters() throws IOException {
        OPEN_GUARD.lock();
        try {
            if (!counters.channel().isOpen()) {
                counters = new Counters(opener.open(directory.resolve(TOKENS)), counters.mapped());
            }
            return counters;
        }
        finally {
            OPEN_GUARD.unlock();
        }
    }

    /**
     * @param key the name's key (its encoded file name)
     * @param floor the smallest token to hand out ({@link FencingCounterFile#clockFloor()})
     * @return the new token of the name's slot: {@code max(stored + 1, floor)}
     */
    public long nextToken(String key, long floor) {
        int slot = slot(key);
        long position = (long) slot * Long.BYTES;
        ReentrantLock local = slotLocks[slot];
        local.lock();
        // an interrupt would close the counters' channel (it is reopened next time): keep it for later
        boolean interrupted = Thread.interrupted();
        try {
            Counters current = counters();
            try (FileLock ignored = current.channel().lock(position, Long.BYTES, false)) {
                return (current.mapped() != null) ? updateMapped(current.mapped(), position, floor)
                        : update(current.channel(), position, floor);
            }
        }
        catch (IOException ex) {
            throw new LockBackendException("Cannot update the fencing counter of '" + key + "' in "
                    + directory.resolve(TOKENS) + ": " + ex, ex);
        }
        finally {
            local.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The update in the mapped file: one aligned 8-byte load and one store, both atomic, and no system call. */
    private static long updateMapped(MappedByteBuffer mapped, long position, long floor) {
        int index = (int) position;
        long next = FencingCounterFile.successor((long) SLOT_VALUE.getVolatile(mapped, index), floor);
        SLOT_VALUE.setVolatile(mapped, index, next);
        return next;
    }

    private static long update(FileChannel channel, long position, long floor) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES);
        while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) > 0) {
            // keep reading until the whole value is in
        }
        long stored = buffer.hasRemaining() ? 0 : buffer.getLong(0);
        long next = FencingCounterFile.successor(stored, floor);
        ByteBuffer out = ByteBuffer.allocate(Long.BYTES).putLong(0, next);
        while (out.hasRemaining()) {
            channel.write(out, position + out.position());
        }
        return next;
    }

    /**
     * @param key the name's key (its encoded file name)
     * @param index which of the name's rights (0, 1 or 2)
     * @return the byte whose lock is that right
     */
    public static long rightPosition(String key, int index) {
        return RIGHTS_PER_NAME * hash(key) + index;
    }

    /**
     * @param position a right's byte
     * @return the held lock, or {@code null} if anyone, in this JVM or another process, holds it
     * @throws IOException if the file cannot be locked at all
     */
    public FileLock tryLock(long position) throws IOException {
        try {
            return rights.tryLock(position, 1, false);
        }
        catch (OverlappingFileLockException ex) {
            return null;
        }
    }

    /** @return the counter slot of {@code key} */
    static int slot(String key) {
        return (int) (hash(key) % SLOTS);
    }

    /** @return 61 bits of the SHA-256 of {@code key}; every process computes the same */
    private static long hash(String key) {
        synchronized (HASHES) {
            Long known = HASHES.get(key);
            if (known != null) {
                return known;
            }
        }
        long computed = sha256Bits(key);
        synchronized (HASHES) {
            HASHES.put(key, computed);
        }
        return computed;
    }

    private static long sha256Bits(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong() & HASH_MASK;
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is required by every JVM", ex);
        }
    }
}
