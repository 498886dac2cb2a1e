package dev.slocket.socket;

import dev.slocket.spi.DirectoryState;
import dev.slocket.spi.FencingCounterFile;

import java.io.IOException;
import java.nio.channels.FileLock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two byte-range locks of one lock name, which the kernel drops when a process dies (SL-38):
 * the <em>arbiter right</em> (held from before bind until the socket file is gone) and the
 * <em>grantee right</em> (held by a grantee, and by a reclaimer while it replaces a stale socket).
 * Both are bytes of the lock directory's shared rights file ({@link DirectoryState}), so no file
 * is kept per name.
 *
 * <p>One object per name per JVM while in use, on the JVM's one channel of the rights file
 * (SL-44): closing any other channel on the file would drop the JVM's POSIX locks on it. Each
 * right is also exclusive inside the JVM, so a right held by another backend in this JVM counts
 * as held. Only {@code tryLock} and {@code release} are used on the channel.
 */
final class Sidecar {

    private static final Logger log = LoggerFactory.getLogger(Sidecar.class);

    private static final Map<Key, Sidecar> OPEN = new HashMap<>();

    private final Key key;

    private final DirectoryState state;

    private final Right arbiterRight;

    private final Right granteeRight;

    private int references;

    private Sidecar(Key key, DirectoryState state) {
        this.key = key;
        this.state = state;
        this.arbiterRight = new Right(DirectoryState.rightPosition(key.name(), 0));
        this.granteeRight = new Right(DirectoryState.rightPosition(key.name(), 1));
    }

    /**
     * @param state the lock directory's state
     * @param name the lock's key (its encoded file name)
     * @return the JVM's sidecar for that name, with one more reference; {@link #close()} it
     */
    static Sidecar open(DirectoryState state, String name) {
        Key key = new Key(state, name);
        synchronized (OPEN) {
            Sidecar sidecar = OPEN.computeIfAbsent(key, unused -> new Sidecar(key, state));
            sidecar.references++;
            return sidecar;
        }
    }

    /** @return this sidecar with one more reference */
    Sidecar retain() {
        synchronized (OPEN) {
            references++;
            return this;
        }
    }

    /** Drops one reference; the last one forgets the sidecar (no right is held by then). */
    void close() {
        synchronized (OPEN) {
            if (--references == 0) {
                OPEN.remove(key, this);
            }
        }
    }

    /**
     * The name's next fencing token, counted in the state files this sidecar was opened on: their
     * identity was checked then, at the start of the acquisition (a counters file replaced since
     * is picked up by the next check; the clock floor keeps tokens increasing across it).
     *
     * @return the token; only the lock's holder may ask
     */
    long nextToken() {
        return state.nextToken(key.name(), FencingCounterFile.clockFloor());
    }

    /** @return byte 0: whoever holds it is the live arbiter (or about to bind) */
    Right arbiterRight() {
        return arbiterRight;
    }

    /** @return byte 1: whoever holds it is a live grantee (or reclaiming a stale socket) */
    Right granteeRight() {
        return granteeRight;
    }

    /** One byte-range lock, exclusive across processes and inside the JVM. */
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
         * @throws IOException if the rights file cannot be locked at all
         */
        boolean tryTake() throws IOException {
            guard.lock();
            try {
                if (lock != null) {
                    return false;
                }
                lock = state.tryLock(position);
                return lock != null;
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
                log.debug("Releasing right {} of '{}' in {} failed", position, key.name(), state.rightsFile(), ex);
            }
            finally {
                lock = null;
                guard.unlock();
            }
        }
    }

    /** One name in one lock directory. */
    private record Key(DirectoryState state, String name) {
    }
}
