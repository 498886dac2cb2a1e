package dev.slocket.spi;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@link FencingCounterFile}s kept mapped into memory between acquisitions, so a token costs one
 * {@code stat} instead of an {@code open}, a read, a write and a {@code close}. The file format is
 * that of {@link FencingCounterFile} and both may be used on the same file; only the holder of the
 * lock may call {@link #next(Path)}.
 *
 * <p>A process killed while it updates the mapped digits must never leave a smaller value behind
 * (the single {@code pwrite} of {@link FencingCounterFile} gives that for free). So only the digits
 * that change are stored, the most significant one first, each one byte and in program order: the
 * first store already makes the stored value larger than the last token handed out. Content that
 * is not exactly {@value FencingCounterFile#WIDTH} digits (or blank) is rewritten with one
 * {@code pwrite} instead.
 *
 * <p>Bounded: at most {@code capacity} files stay mapped, the least recently used is dropped first
 * (unmapped once unreachable), so memory does not grow with the number of names ever used. A file
 * is mapped only on a local file system, where every process of the machine shares one page cache;
 * on a network file system a kept mapping may show a stale value and hand out a token twice, so
 * there every call opens the file afresh. A counter file replaced, deleted or shortened since it
 * was mapped (another inode at its path, or too short) is mapped again. Every open goes through
 * the {@link LockFileOpener}, so a link or another user's file planted at the path is refused.
 */
public final class FencingCounters implements AutoCloseable {

    private static final int WIDTH = FencingCounterFile.WIDTH;

    private final int capacity;

    private final Map<Path, Counter> mapped;

    private final Map<Path, Boolean> localDirectories;

    private boolean closed;

    private final LockFileOpener opener;

    private final LongSupplier floor;

    /**
     * @param capacity how many counter files may stay mapped at once; at least 1
     * @param opener opens (or creates) a counter file, refusing what another user may have planted
     */
    public FencingCounters(int capacity, LockFileOpener opener) {
        this(capacity, opener, FencingCounterFile::clockFloor);
    }

    /**
     * @param capacity how many counter files may stay mapped at once; at least 1
     * @param opener opens (or creates) a counter file
     * @param floor the smallest token to hand out at the moment ({@link FencingCounterFile#clockFloor()})
     */
    FencingCounters(int capacity, LockFileOpener opener, LongSupplier floor) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.opener = opener;
        this.floor = floor;
        this.mapped = new LinkedHashMap<>(16, 0.75f, true);
        this.localDirectories = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * @param counterFile the counter file; created if missing
     * @return the new token: {@code max(stored + 1, floor)}
     * @throws dev.slocket.LockBackendException if the file cannot be read or written, or is corrupt
     */
    public long next(Path counterFile) {
        Counter counter;
        try {
            counter = counterFor(counterFile);
        }
        catch (IOException ex) {
            throw FencingCounterFile.failure(counterFile, ex);
        }
        if (counter == null) {
            return FencingCounterFile.next(counterFile, opener, floor.getAsLong());
        }
        byte[] stored = new byte[WIDTH];
        counter.buffer().get(0, stored);
        if (!isDigitsOrBlank(stored)) {
            return FencingCounterFile.next(counterFile, opener, floor.getAsLong());
        }
        long next = FencingCounterFile.successor(FencingCounterFile.parse(stored, WIDTH, counterFile),
                floor.getAsLong());
        byte[] digits = FencingCounterFile.digits(next);
        for (int i = 0; i < WIDTH; i++) {
            if (stored[i] != digits[i]) {
                counter.buffer().put(i, digits[i]);
                VarHandle.storeStoreFence();
            }
        }
        return next;
    }

    /** Drops every mapping; later calls open each file afresh. */
    @Override
    public void close() {
        synchronized (mapped) {
            closed = true;
            mapped.clear();
        }
    }

    /** @return the mapped counter, or {@code null} if this file must be opened afresh */
    private Counter counterFor(Path counterFile) throws IOException {
        Object fileKey = fileKeyIfLongEnough(counterFile);
        synchronized (mapped) {
            if (closed) {
                return null;
            }
            Counter counter = mapped.get(counterFile);
            if (counter != null && fileKey != null && fileKey.equals(counter.fileKey())) {
                return counter;
            }
            mapped.remove(counterFile);
        }
        if (!isLocal(counterFile.toAbsolutePath().getParent())) {
            return null;
        }
        Counter counter;
        try (FileChannel channel = opener.open(counterFile)) {
            counter = new Counter(channel.map(FileChannel.MapMode.READ_WRITE, 0, WIDTH), fileKeyIfLongEnough(counterFile));
        }
        synchronized (mapped) {
            if (closed) {
                return null;
            }
            mapped.put(counterFile, counter);
            evictBeyond(mapped, capacity);
        }
        return counter;
    }

    private boolean isLocal(Path directory) throws IOException {
        synchronized (localDirectories) {
            Boolean known = localDirectories.get(directory);
            if (known != null) {
                return known;
            }
        }
        boolean local = LocalFileSystems.isLocal(directory);
        synchronized (localDirectories) {
            localDirectories.put(directory, local);
            evictBeyond(localDirectories, capacity);
        }
        return local;
    }

    private static void evictBeyond(Map<Path, ?> map, int capacity) {
        Iterator<?> eldest = map.values().iterator();
        while (map.size() > capacity) {
            eldest.next();
            eldest.remove();
        }
    }

    /** @return the file's identity, or {@code null} if it is missing or shorter than the digits */
    private static Object fileKeyIfLongEnough(Path file) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return (attributes.size() >= WIDTH) ? attributes.fileKey() : null;
        }
        catch (NoSuchFileException ex) {
            return null;
        }
    }

    private static boolean isDigitsOrBlank(byte[] stored) {
        boolean digits = true;
        boolean blank = true;
        for (byte b : stored) {
            digits &= b >= '0' && b <= '9';
            blank &= b == 0;
        }
        return digits || blank;
    }

    /** One mapped counter file and the identity of the file it was mapped from. */
    private record Counter(MappedByteBuffer buffer, Object fileKey) {
    }
}
