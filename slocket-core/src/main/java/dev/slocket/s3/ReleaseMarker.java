package dev.slocket.s3;

import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks a generation released by creating its release marker. Only the holder of the
 * generation creates it, so a 412 means an earlier try of ours landed. Transient failures are
 * retried for at most a lease: after that the lock expires and others take it over anyway.
 */
final class ReleaseMarker {

    private static final Logger log = LoggerFactory.getLogger(ReleaseMarker.class);

    private final HoldContext context;

    private final String name;

    private final String key;

    private final long generation;

    ReleaseMarker(HoldContext context, String name, String folder, long generation) {
        this.context = context;
        this.name = name;
        this.key = LockKeys.markerKey(folder, generation);
        this.generation = generation;
    }

    /** @return whether the marker is known to be stored */
    boolean write() {
        Duration budget = context.options().lease().compareTo(context.options().failureTimeout()) < 0
                ? context.options().lease() : context.options().failureTimeout();
        long until = System.nanoTime() + budget.toNanos();
        Backoff backoff = new Backoff(context.options().pollMin(), context.options().pollMax());
        LockBody body = Nonces.body(false, context.owner(), generation, context.options().lease().toMillis());
        while (true) {
            try {
                context.calls().create(key, body, context.requestTimeoutBefore(until));
                return true;
            }
            catch (SdkException ex) {
                if (S3Errors.preconditionFailed(ex)) {
                    return true;
                }
                long left = (until - System.nanoTime()) / 1_000_000;
                if (!S3Errors.isTransient(ex) || left <= 0) {
                    log.warn("Could not mark S3 lock '{}' (generation {}) released: {}; others take it over "
                            + "once its lease has run out", name, generation, S3Errors.describe(ex));
                    return false;
                }
                try {
                    Thread.sleep(Math.min(left, backoff.next()));
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    log.warn("Interrupted while marking S3 lock '{}' (generation {}) released; others take it over "
                            + "once its lease has run out", name, generation);
                    return false;
                }
            }
        }
    }
}
