package dev.slocket;

import java.time.Duration;

/**
 * How a registry waits and how it shuts down.
 *
 * <p>Shutdown never releases a lock whose holder may still run: it makes new acquisitions fail,
 * withdraws every waiter at once, and waits up to {@code shutdownGrace} for holders to release.
 * What is still held then is logged and left to the process's exit.
 *
 * @param defaultWait the wait of {@link LockRegistry#acquire(String)}; {@code null} waits forever
 * @param shutdownGrace how long {@link LockRegistry#close()} (and the JVM shutdown hook) waits for
 *        holders to release; default {@link #DEFAULT_SHUTDOWN_GRACE}
 * @param shutdownHook whether the registry shuts down by itself when the JVM does (SIGTERM,
 *        SIGINT, {@code System.exit}); off when a container such as Spring shuts it down
 */
public record RegistryOptions(Duration defaultWait, Duration shutdownGrace, boolean shutdownHook) {

    /** The default grace period: as long as Spring Boot's default shutdown phase. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);

    /**
     * @throws IllegalArgumentException if a duration is negative or the grace period is missing
     */
    public RegistryOptions {
        if (defaultWait != null && defaultWait.isNegative()) {
            throw new IllegalArgumentException("defaultWait must not be negative: " + defaultWait);
        }
        if (shutdownGrace == null || shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must be zero or positive: " + shutdownGrace);
        }
    }

    /** @return wait forever, a grace period of {@link #DEFAULT_SHUTDOWN_GRACE}, and a JVM shutdown hook */
    public static RegistryOptions defaults() {
        return new RegistryOptions(null, DEFAULT_SHUTDOWN_GRACE, true);
    }

    /**
     * @param wait the wait of {@link LockRegistry#acquire(String)}; {@code null} waits forever
     * @return these options with that default wait
     */
    public RegistryOptions withDefaultWait(Duration wait) {
        return new RegistryOptions(wait, shutdownGrace, shutdownHook);
    }

    /**
     * @param grace how long shutdown waits for holders to release
     * @return these options with that grace period
     */
    public RegistryOptions withShutdownGrace(Duration grace) {
        return new RegistryOptions(defaultWait, grace, shutdownHook);
    }

    /**
     * @param hook whether the registry shuts down by itself when the JVM does
     * @return these options with or without the JVM shutdown hook
     */
    public RegistryOptions withShutdownHook(boolean hook) {
        return new RegistryOptions(defaultWait, shutdownGrace, hook);
    }
}
