package dev.slocket.socket;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code .owner} file beside a lock socket (SL-38) and its two byte-range locks, which the
 * kernel drops when a process dies: byte 0 is the <em>arbiter right</em> (held from before bind
 * until the socket file is gone), byte 1 the <em>grantee right</em> (held by a grantee, and by a
 * reclaimer while it replaces a stale socket).
 *
 * <p>One shared {@link FileChannel} per sidecar per JVM (SL-44): closing any other channel on the
 * file would drop the JVM's POSIX locks on it. Each right is also exclusive inside the JVM, so a
 * right held by another backend in this JVM counts as held. Only {@code tryLock} and
 * {@code release} are used on the channel; neither closes it when the thread is interrupted.
 */
final class Sidecar {

    private static final Logger log = LoggerFactory.getLogger(Sidecar.class);

    /** Sidecars kept open though unused, so a lock taken again soon need not reopen its file. */
    private static final int MAX_IDLE = 64;

    private static final Map<Path, Sidecar> OPEN = new HashMap<>();

    /** Guards {@link #OPEN} and {@link #IDLE}; not a monitor, as files are opened and closed under it. */
    private static final ReentrantLock OPEN_GUARD = new ReentrantLock();

    /** The unused ones among {@link #OPEN}, least recently used first. */
    private static final Map<Path, Sidecar> IDLE = new LinkedHashMap<>(16, 0.75f, true);

    private final Path path;

    private final FileChannel channel;

    private final Right arbiterRight = new Right(0);

    private final Right granteeRight = new Right(1);

    private int references;

    private Sidecar(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * @param path the sidecar file; created if missing, never deleted
     * @return the JVM's sidecar for {@code path}, with one more reference; {@link #close()} it
     */
    static Sidecar open(Path path) throws IOException {
        OPEN_GUARD.lock();
        try {
            Sidecar sidecar = OPEN.get(path);
            if (sidecar == null) {
                sidecar = new Sidecar(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE));
                OPEN.put(path, sidecar);
            }
            sidecar.references++;
            IDLE.remove(path);
            return sidecar;
        }
        finally {
            OPEN_GUARD.unlock();
        }
    }

    /** @return this sidecar with one more reference */
    Sidecar retain() {
        OPEN_GUARD.lock();
        try {
            references++;
            return this;
        }
        finally {
            OPEN_GUARD.unlock();
        }
    }

    /**
     * Drops one reference. An unused sidecar (no right is held by then) stays open among the
     * {@value #MAX_IDLE} most recently used ones; older ones are closed, so memory stays bounded.
     */
    void close() {
        OPEN_GUARD.lock();
        try {
            if (--references > 0) {
                return;
            }
            IDLE.put(path, this);
            if (IDLE.size() > MAX_IDLE) {
                Iterator<Sidecar> eldest = IDLE.values().iterator();
                Sidecar evicted = eldest.next();
                eldest.remove();
                OPEN.remove(evicted.path);
                evicted.closeChannel();
            }
        }
        finally {
            OPEN_GUARD.unlock();
        }
    }

    private void closeChannel() {
        try {
            channel.close();
        }
        catch (IOException ex) {
            log.debug("Closing sidecar {} failed", path, ex);
        }
    }

    /** @return byte 0: whoever holds it is the live arbiter (or about to bind) */
    Right arbiterRight() {
        return arbiterRight;
    }

    /** @return byte 1: whoever holds it is a live grantee (or reclaiming a stale socket) */
    Right granteeRight() {
        return granteeRight;
    }

    /** One byte-range lock of the sidecar, exclusive across processes and inside the JVM. */
    final class Right {

        private final long position;

        /** Not a monitor: the file-system calls under it must not pin a virtual thread's carrier. */
        private final ReentrantLock guard = new ReentrantLock();

        private FileLock lock;

        private Right(long position) {
            this.position = position;
        }

        /**
         * @return whether this right is now ours; {@code false} if anyone, here or elsewhere, holds it
         * @throws IOException if the sidecar cannot be locked at all
         */
        boolean tryTake() throws IOException {
            guard.lock();
            try {
                if (lock != null) {
                    return false;
                }
                lock = channel.tryLock(position, 1, false);
                return lock != null;
            }
            catch (OverlappingFileLockException ex) {
                return false;
            }
            finally {
                guard.unlock();
            }
        }

        /** Gives the right up; harmless if not held. */
        void release() {
            guard.lock();
            try {
                if (lock == null) {
                    return;
                }
                lock.release();
            }
            catch (IOException ex) {
                log.debug("Releasing byte {} of sidecar {} failed", position, path, ex);
            }
            finally {
                lock = null;
                guard.unlock();
            }
        }
    }
}
