package dev.slocket.socket;

/**
 * How an arbiter passes the lock on when its holder releases (spec SL-43).
 */
public enum HandoverMode {

    /** Write {@code OK} to the longest-waiting connection: one message, FIFO. The default. */
    QUEUE,

    /**
     * Never grant: close the listener and every waiting connection, so the waiters race to bind.
     * Every holder is then a server-holder. The original's Windows mode.
     */
    RACE
}
