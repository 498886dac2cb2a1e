package dev.slocket.socket;

/**
 * What to do with a socket file that nobody listens on (its arbiter died).
 */
public enum StaleSocketPolicy {

    /**
     * Reclaim it safely when no live process owns it (the sidecar rights, byte-range locks of the directory's shared rights file, tell).
     * The default.
     */
    RECLAIM,

    /**
     * Never delete a socket we did not bind; wait until it disappears. Required when the lock
     * path is shared with Node {@code slocket} processes, which do not take the sidecar locks.
     */
    WAIT
}
