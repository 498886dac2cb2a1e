package dev.slocket.s3;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.LossListener;

import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hold of an S3 lock: generation object {@code key}, renewed every {@code lease/3} with an
 * {@code If-Match} write that only this holder makes. The hold is valid until {@code lease} after
 * the last renewal that was <em>sent</em>, and a renewal counts only if its answer arrives
 * within the validity it extends; otherwise the lock is reported lost when the validity ends,
 * which is before any contender (waiting {@code lease + margin} from when it last saw the object
 * change) can take it over. Each renewal also checks that no newer generation exists.
 */
final class S3HeldLock implements BackendLock {

    private static final Logger log = LoggerFactory.getLogger(S3HeldLock.class);

    private enum State { HELD, RELEASED, LOST }

    private final HoldContext context;

    private final String name;

    private final String folder;

    private final String key;

    private final long generation;

    private final LossListener lossListener;

    private final long createSentNanos;

    private State state = State.HELD;

    private String etag;

    private String nonce;

    private long validUntilNanos;

    private ScheduledFuture<?> expiry;

    private ScheduledFuture<?> renewal;

    S3HeldLock(HoldContext context, String name, String folder, long generation, S3Calls.Stored written,
            long sentNanos, LossListener lossListener) {
        this.context = context;
        this.name = name;
        this.folder = folder;
        this.key = LockKeys.generationKey(folder, generation);
        this.generation = generation;
        this.etag = written.etag();
        this.nonce = written.body().nonce();
        this.createSentNanos = sentNanos;
        this.validUntilNanos = sentNanos + context.options().lease().toNanos();
        this.lossListener = lossListener;
    }

    /** Starts the renewal and expiry timers. */
    synchronized void start() {
        scheduleTimers(context.options().renewInterval().toNanos());
    }

    private void scheduleTimers(long renewInNanos) {
        long expiresInNanos = validUntilNanos - System.nanoTime();
        expiry = context.timer().schedule(this::expireIfDue, Math.max(0, expiresInNanos), TimeUnit.NANOSECONDS);
        renewal = context.timer().schedule(() -> context.io().execute(this::renew), Math.max(0, renewInNanos),
                TimeUnit.NANOSECONDS);
    }

    @Override
    public long fencingToken() {
        return generation;
    }

    private void renew() {
        try {
            renewOnce();
        }
        catch (RuntimeException ex) {
            // e.g. the application closed its S3 client under a holder that outlived shutdown
            log.warn("Cannot renew S3 lock '{}' (generation {}): {}; it is reported lost when its lease runs out",
                    name, generation, ex.toString());
        }
    }

    private void renewOnce() {
        String previousEtag;
        String previousNonce;
        long validUntil;
        synchronized (this) {
            if (state != State.HELD) {
                return;
            }
            previousEtag = etag;
            previousNonce = nonce;
            validUntil = validUntilNanos;
        }
        long sent = System.nanoTime();
        LockBody body = Nonces.body(true, context.owner(), generation, context.options().lease().toMillis());
        Optional<String> written = write(previousEtag, previousNonce, body, validUntil);
        if (written.isEmpty()) {
            return;
        }
        Optional<Boolean> successor = successorExists(validUntil);
        if (successor.isEmpty()) {
            return;
        }
        if (successor.get()) {
            lose("a newer generation of the lock exists: it was taken over");
            return;
        }
        synchronized (this) {
            if (state != State.HELD || System.nanoTime() >= validUntilNanos) {
                return;
            }
            etag = written.get();
            nonce = body.nonce();
            validUntilNanos = sent + context.options().lease().toNanos();
            expiry.cancel(false);
            long renewIn = sent + context.options().renewInterval().toNanos() - System.nanoTime();
            scheduleTimers(renewIn);
        }
        log.debug("Renewed S3 lock '{}' (generation {})", name, generation);
    }

    /** @return the new ETag, or empty if the lock is lost or the validity ran out (the expiry timer reports it) */
    private Optional<String> write(String previousEtag, String previousNonce, LockBody body, long validUntil) {
        Backoff backoff = new Backoff(context.options().pollMin(), context.options().pollMax());
        while (isHeld() && System.nanoTime() < validUntil) {
            try {
                String newEtag = context.calls().replace(key, previousEtag, body,
                        context.requestTimeoutBefore(validUntil));
                return System.nanoTime() < validUntil ? Optional.of(newEtag) : Optional.empty();
            }
            catch (SdkException ex) {
                log.debug("Renewal of S3 lock '{}' (generation {}) failed: {}", name, generation,
                        S3Errors.describe(ex));
                if (S3Errors.preconditionFailed(ex) || S3Errors.notFound(ex) || S3Errors.ambiguous(ex)) {
                    Optional<S3Calls.Stored> stored = readBack(validUntil);
                    if (stored.isEmpty()) {
                        return Optional.empty();
                    }
                    if (stored.get().body().nonce().equals(body.nonce())) {
                        return Optional.of(stored.get().etag());
                    }
                    if (!stored.get().body().nonce().equals(previousNonce)) {
                        lose("the generation object was rewritten by " + stored.get().body().owner());
                        return Optional.empty();
                    }
                }
                if (!pause(backoff, validUntil)) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** @return the stored generation object; empty when it is gone (then the loss is reported) or time ran out */
    private Optional<S3Calls.Stored> readBack(long validUntil) {
        Backoff backoff = new Backoff(context.options().pollMin(), context.options().pollMax());
        while (isHeld() && System.nanoTime() < validUntil) {
            try {
                Optional<S3Calls.Stored> stored = context.calls().read(key, context.requestTimeoutBefore(validUntil));
                if (stored.isEmpty()) {
                    lose("the generation object is gone: the lock was taken over");
                }
                return stored;
            }
            catch (SdkException ex) {
                if (!pause(backoff, validUntil)) {
                    break;
                }
            }
        }
        return Optional.empty();
    }

    /** @return whether a newer generation exists; empty when time ran out */
    private Optional<Boolean> successorExists(long validUntil) {
        Backoff backoff = new Backoff(context.options().pollMin(), context.options().pollMax());
        while (isHeld() && System.nanoTime() < validUntil) {
            try {
                Duration timeout = context.requestTimeoutBefore(validUntil);
                return Optional.of(context.calls().anyNewer(folder, generation, timeout));
            }
            catch (SdkException ex) {
                if (!pause(backoff, validUntil)) {
                    break;
                }
            }
        }
        return Optional.empty();
    }

    private static boolean pause(Backoff backoff, long validUntil) {
        long left = TimeUnit.NANOSECONDS.toMillis(validUntil - System.nanoTime());
        if (left <= 0) {
            return false;
        }
        try {
            Thread.sleep(Math.min(backoff.next(), left));
            return true;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void expireIfDue() {
        long overdue;
        synchronized (this) {
            overdue = System.nanoTime() - validUntilNanos;
            if (state != State.HELD || overdue < 0) {
                return;
            }
        }
        lose("could not renew within the lease of " + context.options().lease());
    }

    private void lose(String reason) {
        synchronized (this) {
            if (state != State.HELD) {
                return;
            }
            state = State.LOST;
            cancelTimers();
        }
        log.warn("Lost S3 lock '{}' (generation {}, bucket {}): {}", name, generation, context.calls().bucket(),
                reason);
        // listeners run off the timer thread, so a slow one cannot delay other holds' expiry
        try {
            context.io().execute(() -> lossListener.lockLost(reason));
        }
        catch (RejectedExecutionException ex) {
            lossListener.lockLost(reason);
        }
    }

    /** Reports the loss at once when the lease ran out, so a resumed holder learns it before its timers run. */
    @Override
    public boolean isValid() {
        expireIfDue();
        return isHeld();
    }

    private synchronized boolean isHeld() {
        return state == State.HELD;
    }

    private void cancelTimers() {
        if (expiry != null) {
            expiry.cancel(false);
        }
        if (renewal != null) {
            renewal.cancel(false);
        }
    }

    @Override
    public void release() {
        synchronized (this) {
            if (state != State.HELD) {
                return;
            }
            state = State.RELEASED;
            cancelTimers();
        }
        if (new ReleaseMarker(context, name, folder, generation).write()) {
            context.releases().record(folder, new RecentReleases.Released(generation, createSentNanos));
        }
    }
}
