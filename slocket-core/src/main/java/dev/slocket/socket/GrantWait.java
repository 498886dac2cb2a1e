package dev.slocket.socket;

import dev.slocket.spi.Deadline;
import dev.slocket.spi.LossListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the protocol (SL-12, SL-13, SL-15): wait on a connection for exactly
 * {@code OK}, never sending anything; a grant split across reads counts. More than two bytes, or
 * bytes that cannot become {@code OK}, mean the peer is not a lock server. A grant counts only from an arbiter of our user, and only
 * once the sidecar's grantee right is ours and the lock file is still the one we connected to.
 */
final class GrantWait {

    private static final Logger log = LoggerFactory.getLogger(GrantWait.class);

    private static final long GRANTEE_RIGHT_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** How long to wait before trying again for a grantee right that is still taken. */
    static final long CONFIRM_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final PeerIdentity peers;

    private final SpinWait spin;

    GrantWait(PeerIdentity peers, SpinWait spin) {
        this.peers = peers;
        this.spin = spin;
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
            if (!trusts(connection, paths)) {
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

    /** @return whether a grant on {@code connection} may count: its arbiter is a process of a user we trust */
    boolean trusts(SocketChannel connection, LockPaths paths) {
        if (peers.accepts(connection)) {
            return true;
        }
        log.warn("Lock socket {} is served by a process of another user; not trusting it", paths.socket());
        return false;
    }

    private Attempt.Next awaitOk(SocketChannel connection, LockPaths paths, Deadline deadline)
            throws InterruptedException {
        ByteBuffer received = ByteBuffer.allocate(3);
        try {
            Attempt.Next spun = spinForOk(connection, received, paths, deadline);
            if (spun != null) {
                return spun;
            }
            if (deadline.isInfinite()) {
                // a blocking read needs no selector; an interrupt closes the channel and ends it
                connection.configureBlocking(true);
                return awaitOkBlocking(connection, received, paths);
            }
            return awaitOkUntil(connection, received, paths, deadline);
        }
        catch (ClosedByInterruptException ex) {
            throw interrupted(paths);
        }
        catch (IOException ex) {
            log.debug("Connection to {} broke while waiting ({}); starting over", paths.socket(), ex.toString());
            return Attempt.Next.RETRY;
        }
    }

    /** @return how the wait ended if it ended while spinning (see {@link SpinWait}), else {@code null} */
    private Attempt.Next spinForOk(SocketChannel connection, ByteBuffer received, LockPaths paths, Deadline deadline)
            throws IOException {
        Attempt.Next[] ended = new Attempt.Next[1];
        IOException[] failed = new IOException[1];
        spin.until(() -> {
            try {
                ended[0] = readMore(connection, received, paths);
            }
            catch (IOException ex) {
                failed[0] = ex;
            }
            return ended[0] != null || failed[0] != null;
        }, deadline);
        if (failed[0] != null) {
            throw failed[0];
        }
        return ended[0];
    }

    private static Attempt.Next awaitOkBlocking(SocketChannel connection, ByteBuffer received, LockPaths paths)
            throws IOException {
        while (true) {
            Attempt.Next next = readMore(connection, received, paths);
            if (next != null) {
                return next;
            }
        }
    }

    private static Attempt.Next awaitOkUntil(SocketChannel connection, ByteBuffer received, LockPaths paths,
            Deadline deadline) throws IOException, InterruptedException {
        try (Selector selector = Selector.open()) {
            connection.register(selector, SelectionKey.OP_READ);
            boolean waited = false;
            while (true) {
                Attempt.Next next = readMore(connection, received, paths);
                if (next != null) {
                    return next;
                }
                if (deadline.isExpired() && waited) {
                    return Attempt.Next.TIMEOUT;
                }
                waited = true;
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline.remainingNanos())));
                selector.selectedKeys().clear();
                if (Thread.interrupted()) {
                    throw interrupted(paths);
                }
            }
        }
    }

    /** @return HELD once exactly OK arrived, RETRY on EOF, BACKOFF for a foreign peer, null to keep waiting */
    static Attempt.Next readMore(SocketChannel connection, ByteBuffer received, LockPaths paths)
            throws IOException {
        if (connection.read(received) < 0) {
            return Attempt.Next.RETRY;
        }
        int length = received.position();
        boolean prefix = length <= 2 && (length < 1 || received.get(0) == 'O') && (length < 2 || received.get(1) == 'K');
        if (!prefix) {
            log.debug("Peer on {} is not a lock server (sent {} bytes that are not OK)", paths.socket(), length);
            return Attempt.Next.BACKOFF;
        }
        return (length == 2) ? Attempt.Next.HELD : null;
    }

    private static InterruptedException interrupted(LockPaths paths) {
        return new InterruptedException("interrupted while waiting for the lock on " + paths.socket());
    }

    private static Attempt confirm(SocketChannel connection, FileState seen, LockPaths paths, Sidecar sidecar,
            LossListener lossListener) throws InterruptedException {
        long giveUp = giveUpConfirmingAt();
        while (true) {
            Attempt confirmed = tryConfirm(connection, seen, paths, sidecar, lossListener, giveUp);
            if (confirmed != null) {
                return confirmed;
            }
            LockSupport.parkNanos(CONFIRM_RETRY_NANOS);
            if (Thread.interrupted()) {
                throw interrupted(paths);
            }
        }
    }

    /** @return when {@link #tryConfirm} stops waiting for the grantee right, for a grant that arrives now */
    static long giveUpConfirmingAt() {
        return System.nanoTime() + GRANTEE_RIGHT_PATIENCE_NANOS;
    }

    /**
     * One try to turn a received grant into a hold: the sidecar's grantee right must be ours (its
     * previous grantee may still be giving it up) and the lock file the one we connected to.
     *
     * @param giveUp from {@link #giveUpConfirmingAt()}
     * @return HELD, or how to go on; {@code null} while the right is still taken: try again in
     *         {@link #CONFIRM_RETRY_NANOS}
     */
    static Attempt tryConfirm(SocketChannel connection, FileState seen, LockPaths paths, Sidecar sidecar,
            LossListener lossListener, long giveUp) {
        Sidecar.Right right = sidecar.granteeRight();
        try {
            if (!right.tryTake()) {
                if (System.nanoTime() - giveUp > 0) {
                    log.warn("Granted {} but its grantee right stayed taken; starting over", paths.socket());
                    return Attempt.then(Attempt.Next.BACKOFF, seen);
                }
                return null;
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
