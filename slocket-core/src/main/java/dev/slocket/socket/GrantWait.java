package dev.slocket.socket;

import dev.slocket.spi.Deadline;
import dev.slocket.spi.LossListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the protocol (SL-12, SL-13, SL-15): wait on a connection for exactly
 * {@code OK}, never sending anything. More than two bytes, or bytes that cannot become {@code OK},
 * mean the peer is not a lock server. A grant counts only from an arbiter of our user, and only
 * once the sidecar's grantee right is ours and the lock file is still the one we connected to.
 */
final class GrantWait {

    private static final Logger log = LoggerFactory.getLogger(GrantWait.class);

    private static final long GRANTEE_RIGHT_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final PeerIdentity peers;

    GrantWait(PeerIdentity peers) {
        this.peers = peers;
    }

    /**
     * @param connection a connected, non-blocking channel to the lock path; closed unless granted
     * @param seen the lock file as seen before connecting
     * @return HELD, TIMEOUT, or how to go on
     * @throws InterruptedException if the thread was interrupted; the connection is then closed
     */
    Attempt await(SocketChannel connection, FileState seen, LockPaths paths, Sidecar sidecar, Deadline deadline,
            LossListener lossListener) throws InterruptedException {
        boolean granted = false;
        try {
            if (!peers.accepts(connection)) {
                log.warn("Lock socket {} is served by a process of another user; not trusting it", paths.socket());
                return Attempt.then(Attempt.Next.WATCH, seen);
            }
            Attempt.Next outcome = awaitOk(connection, paths, deadline);
            if (outcome != Attempt.Next.HELD) {
                return Attempt.then(outcome, seen);
            }
            Attempt result = confirm(connection, seen, paths, sidecar, lossListener);
            granted = result.next() == Attempt.Next.HELD;
            return result;
        }
        finally {
            if (!granted) {
                closeQuietly(connection);
            }
        }
    }

    private static Attempt.Next awaitOk(SocketChannel connection, LockPaths paths, Deadline deadline)
            throws InterruptedException {
        ByteBuffer received = ByteBuffer.allocate(3);
        try (Selector selector = Selector.open()) {
            connection.register(selector, SelectionKey.OP_READ);
            boolean waited = false;
            while (true) {
                if (connection.read(received) < 0) {
                    return Attempt.Next.RETRY;
                }
                if (!isGrantPrefix(received)) {
                    log.debug("Peer on {} is not a lock server (sent {} bytes that are not OK)", paths.socket(),
                            received.position());
                    return Attempt.Next.BACKOFF;
                }
                if (received.position() == 2) {
                    return nothingMore(connection) ? Attempt.Next.HELD : Attempt.Next.BACKOFF;
                }
                if (deadline.isExpired() && waited) {
                    return Attempt.Next.TIMEOUT;
                }
                waited = true;
                selector.select(selectMillis(deadline));
                selector.selectedKeys().clear();
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for the lock on " + paths.socket());
                }
            }
        }
        catch (IOException ex) {
            log.debug("Connection to {} broke while waiting ({}); starting over", paths.socket(), ex.toString());
            return Attempt.Next.RETRY;
        }
    }

    private static long selectMillis(Deadline deadline) {
        if (deadline.isInfinite()) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline.remainingNanos()));
    }

    private static boolean isGrantPrefix(ByteBuffer received) {
        int length = received.position();
        return length <= 2 && (length < 1 || received.get(0) == 'O') && (length < 2 || received.get(1) == 'K');
    }

    /** A lock server sends exactly OK; anything already queued behind it unmasks a foreign peer. */
    private static boolean nothingMore(SocketChannel connection) {
        try {
            return connection.read(ByteBuffer.allocate(1)) <= 0;
        }
        catch (IOException ex) {
            return true;
        }
    }

    private static Attempt confirm(SocketChannel connection, FileState seen, LockPaths paths, Sidecar sidecar,
            LossListener lossListener) throws InterruptedException {
        Sidecar.Right right = sidecar.granteeRight();
        long giveUp = System.nanoTime() + GRANTEE_RIGHT_PATIENCE_NANOS;
        try {
            while (!right.tryTake()) {
                if (System.nanoTime() - giveUp > 0) {
                    log.warn("Granted {} but its grantee right stayed taken; starting over", paths.socket());
                    return Attempt.then(Attempt.Next.BACKOFF, seen);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while taking the lock on " + paths.socket());
                }
            }
        }
        catch (IOException ex) {
            log.warn("Cannot lock sidecar {} ({}); starting over", paths.sidecar(), ex.toString());
            return Attempt.then(Attempt.Next.BACKOFF, seen);
        }
        if (!seen.isStillAt(paths.socket())) {
            // the arbiter died after granting and someone reclaimed the path: the grant is void
            right.release();
            return Attempt.then(Attempt.Next.RETRY, seen);
        }
        return Attempt.held(new GranteeHold(connection, paths, seen, sidecar, lossListener));
    }

    private static void closeQuietly(SocketChannel connection) {
        try {
            connection.close();
        }
        catch (IOException ex) {
            log.trace("Close failed", ex);
        }
    }
}
