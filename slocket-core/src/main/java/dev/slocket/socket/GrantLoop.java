package dev.slocket.socket;

import dev.slocket.spi.Deadline;
import dev.slocket.spi.WaitTimer;

import java.time.Duration;
import java.util.concurrent.Future;

/**
 * The JVM's one thread on which the socket locks' asynchronous acquisitions run: a selector that
 * notices grants on their connections, and the steps those acquisitions take. Apart from the
 * {@link ArbiterLoop}, so waiting for locks of other processes never delays the hand-overs this
 * process serves. Steps must be short (one attempt, one read): all waiting acquisitions share
 * the thread.
 */
final class GrantLoop extends SelectorLoop {

    private static GrantLoop instance;

    private GrantLoop() {
        super("slocket-grant-loop", "waiting socket locks");
    }

    /** @return the JVM's loop, started on first use */
    static synchronized GrantLoop get() {
        if (instance == null) {
            instance = new GrantLoop();
        }
        return instance;
    }

    /**
     * Runs {@code step} on the loop thread once {@code delayNanos} passed (timed by the shared
     * {@link WaitTimer}, whose thread only hands it over).
     *
     * @return cancels the step if it is not due yet
     */
    Future<?> later(long delayNanos, Runnable step) {
        return WaitTimer.at(Deadline.after(Duration.ofNanos(Math.max(0, delayNanos))), () -> execute(step));
    }
}
