package dev.slocket.spring.lifecycle;

import dev.slocket.spring.aop.InFlightCalls;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Lets {@code @Mutexed} calls in flight, and futures and subscriptions that still hold their
 * lock, finish when the context closes, bounded by Spring's shutdown phase timeout
 * ({@code spring.lifecycle.timeout-per-shutdown-phase}). The registry
 * itself is closed afterwards, when its bean is destroyed: held locks are released and waiting
 * processes take over, so no lock outlives its application context.
 */
public final class GracefulLockShutdown implements SmartLifecycle {

    /** Stops together with the web server's graceful shutdown, before the web server stops. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    /** The lifecycle processor bounds the wait by the phase timeout; this only stands for "no bound". */
    private static final Duration UNBOUNDED = Duration.ofDays(365);

    private static final Logger log = LoggerFactory.getLogger(GracefulLockShutdown.class);

    private final InFlightCalls inFlight;

    private volatile boolean running;

    /** @param inFlight the running {@code @Mutexed} calls and asynchronous holds */
    public GracefulLockShutdown(InFlightCalls inFlight) {
        this.inFlight = inFlight;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        awaitCalls();
    }

    @Override
    public void stop(Runnable callback) {
        if (inFlight.running() == 0) {
            running = false;
            callback.run();
            return;
        }
        Thread waiter = new Thread(() -> {
            awaitCalls();
            callback.run();
        }, "slocket-graceful-shutdown");
        waiter.setDaemon(true);
        waiter.start();
    }

    private void awaitCalls() {
        log.info("Waiting for {} @Mutexed call(s) in flight to finish", inFlight.running());
        try {
            inFlight.awaitIdle(UNBOUNDED);
            log.debug("All @Mutexed calls finished");
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        finally {
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
