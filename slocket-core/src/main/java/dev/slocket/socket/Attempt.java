package dev.slocket.socket;

import java.nio.channels.SocketChannel;

/**
 * What one ACQUIRE attempt led to: the lock, a connection to wait on, or how to go on.
 *
 * @param next what to do next
 * @param hold the lock, when {@code next} is {@link Next#HELD}
 * @param connection the connection to the arbiter, when {@code next} is {@link Next#QUEUED}
 * @param seen the lock file as seen during the attempt (to wait for it to change, or to check a grant)
 */
record Attempt(Next next, SocketHold hold, SocketChannel connection, FileState seen) {

    /** The next step of the acquisition. */
    enum Next {
        /** The lock is ours. */
        HELD,
        /** Connected to an arbiter: wait for {@code OK}. */
        QUEUED,
        /** Try again at once: the file vanished or we lost our place in a queue. */
        RETRY,
        /** Try again after a jittered pause: a transient error or an arbiter in transition. */
        BACKOFF,
        /** Wait until the lock file changes (or the safety poll): a non-socket, a stale or foreign socket. */
        WATCH,
        /** The deadline passed while queued. */
        TIMEOUT
    }

    static Attempt held(SocketHold hold) {
        return new Attempt(Next.HELD, hold, null, null);
    }

    static Attempt queued(SocketChannel connection, FileState seen) {
        return new Attempt(Next.QUEUED, null, connection, seen);
    }

    static Attempt then(Next next, FileState seen) {
        return new Attempt(next, null, null, seen);
    }
}
