package dev.slocket.spring.metrics;

import dev.slocket.spi.LockObserver;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Micrometer Observations of lock waits: an observation {@code slocket.lock.wait} (a span in a
 * tracing setup, a timer of that name with Micrometer's meter handler) from the start of a wait
 * until the lock is acquired, times out or fails. Low-cardinality keys: {@code lock} (the
 * declared template, never an evaluated name), {@code backend}, {@code registry} ({@code primary} or
 * the id of a {@code slocket.registries} registry, like the tag of {@link LockMetrics}' meters),
 * {@code outcome}; high-cardinality key {@code lock.name}, the evaluated name.
 */
public final class LockObservations implements LockObserver {

    /** The observation name, also the name of the wait timer {@link LockMetrics} records without observations. */
    public static final String NAME = "slocket.lock.wait";

    private final String registryId;

    private final ObservationRegistry observations;

    /**
     * Observations of the primary registry.
     *
     * @param observations where observations go
     */
    public LockObservations(ObservationRegistry observations) {
        this("primary", observations);
    }

    /**
     * @param registryId the registry's id, the value of key {@code registry}
     * @param observations where observations go
     */
    public LockObservations(String registryId, ObservationRegistry observations) {
        this.registryId = registryId;
        this.observations = observations;
    }

    @Override
    public Wait waitStarted(ObservedLock lock) {
        Observation observation = Observation.createNotStarted(NAME, observations)
                .contextualName("lock " + lock.template()).lowCardinalityKeyValue("lock", lock.template())
                .lowCardinalityKeyValue("backend", lock.backend()).lowCardinalityKeyValue("registry", registryId)
                .highCardinalityKeyValue("lock.name", lock.name())
                .start();
        return new Wait() {

            @Override
            public void acquired() {
                observation.lowCardinalityKeyValue("outcome", "acquired").stop();
            }

            @Override
            public void timedOut() {
                observation.lowCardinalityKeyValue("outcome", "timeout").stop();
            }

            @Override
            public void failed(Throwable failure) {
                observation.lowCardinalityKeyValue("outcome", "failed").error(failure).stop();
            }
        };
    }
}
