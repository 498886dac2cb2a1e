package dev.slocket.spi;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FencingCounterFile}s kept open between acquisitions, so a token costs a {@code stat}, a
 * positional read and a positional write instead of also an {@code open} and a {@code close}. The
 * file format and its rules are those of {@link FencingCounterFile}; only the holder of the lock
 * may call {@link #next(Path)}.
 *
 * <p>Bounded: at most {@code capacity} files stay open, the least recently used is closed first,
 * so memory does not grow with the number of names ever used. A file is kept open only on a local
 * file system, where every process on the machine reads the same page cache; on a network file
 * system a kept-open descriptor may read a cached value and hand out a token twice, so there each
 * call opens the file afresh. A counter file that was replaced or deleted since it was opened (a
 * different inode at its path) is reopened, so this process never counts on an orphan.
 */
public final class FencingCounters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FencingCounters.class);

    /** File systems whose data all processes of the machine see coherently through one page cache. */
    private static final Set<String> LOCAL_TYPES = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "f2fs",
            "zfs", "apfs");

    /** A retry after a concurrent eviction may skip a value, never repeat one. */
    private static final int ATTEMPTS = 3;

    private final int capacity;

    private final Map<Path, Counter> open;

    private final Map<Path, Boolean> localDirectories;

    private boolean closed;

    /**
     * @param capacity how many counter files may stay open at once; at least 1
     */
    public FencingCounters(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.open = new LinkedHashMap<>(16, 0.75f, true);
        this.localDirectories = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * @param counterFile the counter file; created if missing
     * @return the new token, one more than the last one stored
     * @throws dev.slocket.LockBackendException if the file cannot be read or written, or is corrupt
     */
    public long next(Path counterFile) {
        for (int attempt = 1; ; attempt++) {
            Counter counter;
            try {
                counter = counterFor(counterFile);
            }
            catch (IOException ex) {
                throw FencingCounterFile.failure(counterFile, ex);
            }
            if (counter == null) {
                return FencingCounterFile.next(counterFile);
            }
            try {
                return FencingCounterFile.next(counter.channel(), counterFile);
            }
            catch (ClosedByInterruptException ex) {
                forget(counterFile, counter);
                throw FencingCounterFile.failure(counterFile, ex);
            }
            catch (ClosedChannelException ex) {
                forget(counterFile, counter);
                if (attempt == ATTEMPTS) {
                    throw FencingCounterFile.failure(counterFile, ex);
                }
            }
            catch (IOException ex) {
                forget(counterFile, counter);
                throw FencingCounterFile.failure(counterFile, ex);
            }
        }
    }

    /** Closes every open counter file; later calls open each file afresh. */
    @Override
    public void close() {
        synchronized (open) {
            closed = true;
            open.values().forEach(Counter::close);
            open.clear();
        }
    }

    /** @return the open counter, or {@code null} if this file must be opened afresh */
    private Counter counterFor(Path counterFile) throws IOException {
        Object fileKey = fileKey(counterFile);
        synchronized (open) {
            if (closed) {
                return null;
            }
            Counter counter = open.get(counterFile);
            if (counter != null && Objects.equals(counter.fileKey(), fileKey) && fileKey != null) {
                return counter;
            }
            if (counter != null) {
                open.remove(counterFile);
                counter.close();
            }
        }
        if (!isLocal(counterFile.toAbsolutePath().getParent())) {
            return null;
        }
        FileChannel channel = FileChannel.open(counterFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Counter counter = new Counter(channel, fileKey(counterFile));
        synchronized (open) {
            Counter replaced = open.put(counterFile, counter);
            if (replaced != null) {
                replaced.close();
            }
            evictBeyond(open, capacity).forEach(Counter::close);
            if (closed) {
                open.remove(counterFile);
                counter.close();
                return null;
            }
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
        boolean local = LOCAL_TYPES.contains(Files.getFileStore(directory).type());
        synchronized (localDirectories) {
            localDirectories.put(directory, local);
            evictBeyond(localDirectories, capacity);
        }
        return local;
    }

    private void forget(Path counterFile, Counter counter) {
        synchronized (open) {
            open.remove(counterFile, counter);
        }
        counter.close();
    }

    private static <V> List<V> evictBeyond(Map<Path, V> map, int capacity) {
        List<V> evicted = new ArrayList<>();
        Iterator<V> eldest = map.values().iterator();
        while (map.size() > capacity) {
            evicted.add(eldest.next());
            eldest.remove();
        }
        return evicted;
    }

    private static Object fileKey(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        }
        catch (NoSuchFileException ex) {
            return null;
        }
    }

    /** One open counter file and the identity of the file it was opened on. */
    private record Counter(FileChannel channel, Object fileKey) {

        void close() {
            try {
                channel.close();
            }
            catch (IOException ex) {
                log.debug("Closing a fencing counter failed", ex);
            }
        }
    }
}
