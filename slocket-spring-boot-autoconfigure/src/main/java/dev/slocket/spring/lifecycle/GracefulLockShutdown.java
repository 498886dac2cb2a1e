package dev.slocket.spring.lifecycle;

import dev.slocket.LockRegistry;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.spring.aop.InFlightCalls;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The one shutdown path of the context's lock registries, bounded by Spring's shutdown phase
 * timeout ({@code spring.lifecycle.timeout-per-shutdown-phase}). When the context closes (on
 * {@code close()}, or SIGTERM through Spring's own shutdown hook), new acquisitions fail and
 * waiting ones are withdrawn at once; {@code @Mutexed} calls in flight, futures and subscriptions
 * that hold their lock, and programmatic holds may finish and release. A lock still held when the
 * phase times out is never released from under its holder: it is logged when the registry bean is
 * destroyed and freed when its holder releases it or the process exits.
 *
 * <p>The registries' own JVM shutdown hooks are removed when the context starts, so that they do
 * not run beside Spring's.
 */
public final class GracefulLockShutdown implements SmartLifecycle {

    /** Stops together with the web server's graceful shutdown, before the web server stops. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    private static final Logger log = LoggerFactory.getLogger(GracefulLockShutdown.class);

    private final InFlightCalls inFlight;

    private final List<LocalLockRegistry> registries;

    private final Duration phaseTimeout;

    private volatile boolean running;

    /**
     * @param inFlight the running {@code @Mutexed} calls and asynchronous holds
     * @param registries the context's lock registries
     * @param phaseTimeout the shutdown phase timeout: the grace period of the registries
     */
    public GracefulLockShutdown(InFlightCalls inFlight, List<LockRegistry> registries, Duration phaseTimeout) {
        this.inFlight = inFlight;
        this.registries = registries.stream().filter(LocalLockRegistry.class::isInstance)
                .map(LocalLockRegistry.class::cast).toList();
        this.phaseTimeout = phaseTimeout;
    }

    @Override
    public void start() {
        registries.forEach(LocalLockRegistry::removeShutdownHook);
        running = true;
    }

    @Override
    public void stop() {
        beginShutdown();
        awaitHolders();
    }

    @Override
    public void stop(Runnable callback) {
        beginShutdown();
        if (inFlight.running() == 0 && registries.stream().allMatch(registry -> registry.locks().isEmpty())) {
            awaitHolders();
            callback.run();
            return;
        }
        Thread waiter = new Thread(() -> {
            awaitHolders();
            callback.run();
        }, "slocket-graceful-shutdown");
        waiter.setDaemon(true);
        waiter.start();
    }

    private void beginShutdown() {
        registries.forEach(registry -> registry.beginShutdown(phaseTimeout));
    }

    private void awaitHolders() {
        log.info("Waiting for {} @Mutexed call(s) in flight and the locks still held to be released",
                inFlight.running());
        try {
            registries.forEach(registry -> registry.shutdown(phaseTimeout));
            inFlight.awaitIdle(phaseTimeout);
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
