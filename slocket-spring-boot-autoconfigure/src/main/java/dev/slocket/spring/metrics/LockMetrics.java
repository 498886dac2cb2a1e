package dev.slocket.spring.metrics;

import dev.slocket.LockLoss;
import dev.slocket.LockRegistry;
import dev.slocket.spi.LockObserver;
import dev.slocket.spring.actuate.LockCounts;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters of a registry. Tag {@code lock} is the declared template (the
 * {@code @Mutexed} value as written, or one declared with
 * {@link dev.slocket.spi.LockTemplate#with}) or one fixed value for programmatic names, never an
 * evaluated name, so cardinality stays bounded. Every meter has tag {@code registry}:
 * {@code primary} or the id of a {@code slocket.registries} registry.
 * <ul>
 * <li>{@code slocket.lock.wait} (timer; outcome {@code acquired}, {@code timeout}, {@code failed});
 * only without observations, which then time the wait under the same name
 * ({@link LockObservations})</li>
 * <li>{@code slocket.lock.hold} (timer; outcome {@code released}, {@code lost})</li>
 * <li>{@code slocket.lock.timeouts} and {@code slocket.lock.lost} (counters)</li>
 * <li>{@code slocket.locks.held} and {@code slocket.locks.waiting} (gauges, tag {@code backend})</li>
 * </ul>
 */
public final class LockMetrics implements LockObserver {

    private final MeterRegistry meters;

    private final String registryId;

    private final boolean timeWaits;

    /**
     * Registers the gauges; register this as the registry's observer for the rest.
     *
     * @param registryId the registry's id, the value of tag {@code registry}
     * @param registry the lock registry
     * @param meters where the meters go
     * @param timeWaits whether to time waits; {@code false} when {@link LockObservations} does,
     *        so that each wait is timed once
     */
    public LockMetrics(String registryId, LockRegistry registry, MeterRegistry meters, boolean timeWaits) {
        this.meters = meters;
        this.registryId = registryId;
        this.timeWaits = timeWaits;
        Tags registryTags = Tags.of("backend", registry.backendType(), "registry", registryId);
        Gauge.builder("slocket.locks.held", registry, r -> LockCounts.of(r.locks()).held()).tags(registryTags)
                .description("Locks this instance holds").register(meters);
        Gauge.builder("slocket.locks.waiting", registry, r -> LockCounts.of(r.locks()).waiting()).tags(registryTags)
                .description("Threads of this instance waiting for a lock").register(meters);
    }

    @Override
    public Wait waitStarted(ObservedLock lock) {
        Timer.Sample sample = timeWaits ? Timer.start(meters) : null;
        return new Wait() {

            @Override
            public void acquired() {
                stop(sample, lock, "acquired");
            }

            @Override
            public void timedOut() {
                stop(sample, lock, "timeout");
                Counter.builder("slocket.lock.timeouts").tags(tags(lock)).description("Waits for a lock that timed out")
                        .register(meters).increment();
            }

            @Override
            public void failed(Throwable failure) {
                stop(sample, lock, "failed");
            }
        };
    }

    private void stop(Timer.Sample sample, ObservedLock lock, String outcome) {
        if (sample != null) {
            sample.stop(Timer.builder(LockObservations.NAME).tags(tags(lock)).tag("outcome", outcome)
                    .description("How long threads waited for a lock").register(meters));
        }
    }

    @Override
    public void holdEnded(ObservedLock lock, Duration held, boolean lost) {
        Timer.builder("slocket.lock.hold").tags(tags(lock)).tag("outcome", lost ? "lost" : "released")
                .description("How long locks were held").register(meters).record(held);
    }

    @Override
    public void lost(ObservedLock lock, LockLoss loss) {
        Counter.builder("slocket.lock.lost").tags(tags(lock)).description("Held locks that were lost")
                .register(meters).increment();
    }

    private Tags tags(ObservedLock lock) {
        return Tags.of("lock", lock.template(), "backend", lock.backend(), "registry", registryId);
    }
}
