package dev.slocket.socket;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The JVM's one selector thread that serves every arbiter while it has a grantee or waiting
 * connections: it accepts newcomers and notices closed connections; plus a timer thread that
 * closes arbiters which stayed idle. An uncontended lock never touches either. Both survive any
 * error a handler throws (SL-54).
 */
final class ArbiterLoop extends SelectorLoop {

    private static ArbiterLoop instance;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "slocket-arbiter-timer");
        thread.setDaemon(true);
        return thread;
    });

    private ArbiterLoop() {
        super("slocket-arbiter", "the socket lock arbiters");
    }

    /** @return the JVM's loop, started on first use */
    static synchronized ArbiterLoop get() {
        if (instance == null) {
            instance = new ArbiterLoop();
        }
        return instance;
    }

    /** Runs {@code task} on the timer thread after {@code delayNanos}. */
    void schedule(Runnable task, long delayNanos) {
        timer.schedule(() -> runSafely(task), delayNanos, TimeUnit.NANOSECONDS);
    }
}
