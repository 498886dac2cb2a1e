package dev.slocket.socket;

import java.nio.channels.SocketChannel;

/**
 * What one ACQUIRE attempt led to: the lock, a place in a queue to wait in, or how to go on.
 *
 * @param next what to do next
 * @param hold the lock, when {@code next} is {@link Next#HELD}
 * @param connection the connection to the arbiter, when {@code next} is {@link Next#QUEUED}
 * @param seen the lock file as seen during the attempt (to wait for it to change, or to check a grant)
 * @param arbiter this backend's arbiter, when {@code next} is {@link Next#QUEUED_HERE}
 * @param waiter our place in that arbiter's queue, when {@code next} is {@link Next#QUEUED_HERE}
 */
record Attempt(Next next, SocketHold hold, SocketChannel connection, FileState seen, Arbiter arbiter,
        LocalWaiter waiter) {

    /** The next step of the acquisition. */
    enum Next {
        /** The lock is ours. */
        HELD,
        /** Connected to an arbiter: wait for {@code OK}. */
        QUEUED,
        /** Queued at this backend's own arbiter: wait for its direct hand-off. */
        QUEUED_HERE,
        /** Try again at once: the file vanished or we lost our place in a queue. */
        RETRY,
        /** Try again after a jittered pause: a transient error or a foreign peer. */
        BACKOFF,
        /** Wait until the lock file changes (or the safety poll): a non-socket, a stale or foreign socket. */
        WATCH,
        /**
         * A live arbiter is binding or closing: wait until the lock file changes, but no longer than
         * the first backoff step.
         */
        SETTLE,
        /** The deadline passed while queued. */
        TIMEOUT
    }

    static Attempt held(SocketHold hold) {
        return new Attempt(Next.HELD, hold, null, null, null, null);
    }

    static Attempt queued(SocketChannel connection, FileState seen) {
        return new Attempt(Next.QUEUED, null, connection, seen, null, null);
    }

    static Attempt queuedHere(Arbiter arbiter, LocalWaiter waiter) {
        return new Attempt(Next.QUEUED_HERE, null, null, null, arbiter, waiter);
    }

    static Attempt then(Next next, FileState seen) {
        return new Attempt(next, null, null, seen, null, null);
    }
}
