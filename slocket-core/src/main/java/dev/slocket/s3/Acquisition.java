package dev.slocket.s3;

import dev.slocket.spi.Deadline;
import dev.slocket.spi.LossListener;

import software.amazon.awssdk.core.exception.SdkException;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of {@code acquire}: list the lock's folder; if the newest generation is released
 * (or there is none) create the next one with {@code If-None-Match: *}; if it is held, wait for
 * it with jittered exponential backoff and take over by creating the next generation once the
 * holder's object has stayed unchanged (same ETag) for {@code lease + safety margin} on our
 * monotonic clock ({@link HolderWatch}). If this instance itself released the newest generation it knows of, less
 * than half of {@link DeferredDeletes#CREATE_WINDOW} after creating it, it creates the next one
 * without listing first.
 *
 * <p>Waiting does not list: each poll is a HEAD of the held generation's release marker and a
 * HEAD of the generation object (together 16% of the price of one LIST on AWS). The
 * acquisition lists again only when the marker exists, the object is gone (superseded and
 * deleted), or the object kept its ETag long enough for a takeover; the listing then decides
 * exactly as before, so every race is still decided by an atomic create. A newer generation
 * created by someone else's takeover is found through that listing: its creator deletes the
 * generation we watch a few seconds later, and until then the unchanged object makes our own
 * takeover due, whose listing shows the newer generation.
 *
 * <p>The work between two waits is one {@link #attempt()}: the blocking {@link #run()} sleeps
 * between attempts, an asynchronous acquisition schedules the next one on a timer
 * ({@link ScheduledAcquisition}); both send the same requests at the same times.
 *
 * <p>Uncontended, that is at most four requests per acquire and release: list (not on the quick
 * path), create, release marker, and at most one deferred delete of superseded keys.
 */
final class Acquisition {

    private static final Logger log = LoggerFactory.getLogger(Acquisition.class);

    private final HoldContext context;

    private final String name;

    private final String folder;

    private final Deadline deadline;

    private final LossListener lossListener;

    private final Backoff poll;

    private final FailureRun failures;

    /** A listing, with when its request was sent and its answer received. */
    private record Listed(Listing listing, long sentNanos, long receivedNanos) {
    }

    /** What a create came to: the hold, or none and possibly a listing taken on the way. */
    private record Created(S3HeldLock lock, Listed listedAfter) {
    }

    private final HolderWatch watch;

    /**
     * What one attempt came to: the hold, the end of the wait (no hold: the deadline passed), or
     * how long to wait before the next attempt.
     *
     * @param lock the hold, or {@code null}
     * @param over whether the acquisition is over
     * @param retryInMillis when not over, the wait before the next attempt
     */
    record Step(S3HeldLock lock, boolean over, long retryInMillis) {

        private static final Step TIMED_OUT = new Step(null, true, 0);

        private static Step held(S3HeldLock lock) {
            return new Step(lock, true, 0);
        }

        private static Step retryIn(long millis) {
            return new Step(null, false, millis);
        }
    }

    /** The acquisition has made its first attempt. */
    private boolean started;

    /** The next attempt polls the watched generation instead of deciding on a listing. */
    private boolean polling;

    /** A listing taken by the last attempt, for the next one to decide on; {@code null} to list. */
    private Listed listed;

    Acquisition(HoldContext context, String name, String folder, Deadline deadline, LossListener lossListener) {
        this.context = context;
        this.name = name;
        this.folder = folder;
        this.deadline = deadline;
        this.lossListener = lossListener;
        S3LockOptions options = context.options();
        this.poll = new Backoff(options.pollMin(), options.pollMax());
        this.failures = new FailureRun(options.failureTimeout(), options.pollMin(), options.pollMax());
        this.watch = new HolderWatch(options.lease(), options.safetyMargin());
    }

    /** @return the hold, or {@code null} when the deadline passed first */
    S3HeldLock run() throws InterruptedException {
        while (true) {
            Step step = attempt();
            if (step.over()) {
                return step.lock();
            }
            Thread.sleep(step.retryInMillis());
        }
    }

    /**
     * Sends the requests up to the next wait. Attempts of one acquisition must not overlap; a run
     * of transient failures is retried within the attempt ({@link FailureRun}).
     *
     * @return the hold, the end of the wait, or when to make the next attempt
     */
    Step attempt() throws InterruptedException {
        if (!started) {
            started = true;
            Optional<RecentReleases.Released> releasedByUs = context.releases().take(folder);
            long quickPathNanos = DeferredDeletes.CREATE_WINDOW.toNanos() / 2;
            if (releasedByUs.isPresent()
                    && System.nanoTime() - releasedByUs.get().createSentNanos() < quickPathNanos) {
                Created created = create(releasedByUs.get().generation(), releasedByUs.get().createSentNanos());
                if (created.lock() != null) {
                    return Step.held(created.lock());
                }
                listed = created.listedAfter();
            }
        }
        if (polling) {
            if (!changed()) {
                return deadline.isExpired() ? Step.TIMED_OUT : Step.retryIn(nextPollMillis());
            }
            polling = false;
            listed = null;
        }
        while (true) {
            if (listed == null) {
                listed = listRetrying();
            }
            Listing listing = listed.listing();
            context.deletes().schedule(folder, listing.obsoleteKeys(), listed.receivedNanos());
            Created created = null;
            if (listing.free()) {
                created = create(listing.latest(), listed.sentNanos());
            }
            else if (deadline.isExpired()) {
                return Step.TIMED_OUT;
            }
            else if (watch.takeoverDue(listing, listed.sentNanos(), listed.receivedNanos(),
                    generation -> readRetrying(LockKeys.generationKey(folder, generation)))) {
                log.warn("Taking over S3 lock '{}': generation {} of {} unchanged for its lease plus {}", name,
                        listing.latest(), watch.owner(), context.options().safetyMargin());
                created = create(listing.latest(), listed.sentNanos());
            }
            if (created != null && created.lock() != null) {
                return Step.held(created.lock());
            }
            if (deadline.isExpired()) {
                return Step.TIMED_OUT;
            }
            listed = created == null ? null : created.listedAfter();
            if (created == null) {
                polling = true;
            }
            if (listed == null) {
                return Step.retryIn(nextPollMillis());
            }
        }
    }

    /**
     * Polls the watched generation once: a listing may show something new when its release marker
     * exists, its object is gone, or its object kept the same ETag until a takeover is due. A new
     * ETag starts the watch again, without listing ({@link HolderWatch}).
     *
     * @return whether to list again
     */
    private boolean changed() throws InterruptedException {
        if (headRetrying(LockKeys.markerKey(folder, watch.generation())).isPresent()) {
            return true;
        }
        long sent = System.nanoTime();
        Optional<String> etag = headRetrying(LockKeys.generationKey(folder, watch.generation()));
        return etag.isEmpty() || watch.polled(etag.get(), sent, System.nanoTime());
    }

    private long nextPollMillis() {
        long delay = Math.min(poll.next(), Math.max(1, watch.dueInNanos() / 1_000_000 + 1));
        return Math.max(1, deadline.remainingMillisAtMost(delay, TimeUnit.MILLISECONDS));
    }

    /**
     * Creates generation {@code latest + 1}. A 412 usually means another party created it first,
     * but it also answers a client retry of our own landed write: a listing decides, and only if
     * it shows the generation held is the object read back to compare the nonce. Other ambiguous
     * outcomes (broken connection, timeout, 5xx) are decided by reading the object back.
     *
     * @param latest the newest generation, known to be released (or expired, for a takeover)
     * @param knownSinceNanos a time before which no generation newer than {@code latest} existed
     * @return the hold, or no hold (and the listing taken after a 412, if any)
     */
    private Created create(long latest, long knownSinceNanos) throws InterruptedException {
        long generation = latest + 1;
        String key = LockKeys.generationKey(folder, generation);
        LockBody body = Nonces.body(true, context.owner(), generation, context.options().lease().toMillis());
        long firstSent = System.nanoTime();
        while (true) {
            try {
                String etag = context.calls().create(key, body, context.options().requestTimeout());
                failures.reset();
                return granted(generation, new S3Calls.Stored(body, etag), firstSent, knownSinceNanos);
            }
            catch (SdkException ex) {
                if (S3Errors.preconditionFailed(ex)) {
                    Listed after = listRetrying();
                    Listing listing = after.listing();
                    if (listing.latest() != generation || listing.released()) {
                        return new Created(null, after);
                    }
                }
                if (S3Errors.preconditionFailed(ex) || S3Errors.ambiguous(ex)) {
                    Optional<S3Calls.Stored> stored = readRetrying(key);
                    if (stored.isPresent()) {
                        boolean ours = stored.get().body().nonce().equals(body.nonce());
                        log.debug("Create of generation {} of S3 lock '{}' ended with {}; read back: {}", generation,
                                name, S3Errors.describe(ex), ours ? "ours" : "another party's");
                        return ours ? granted(generation, stored.get(), firstSent, knownSinceNanos)
                                : new Created(null, null);
                    }
                    if (S3Errors.preconditionFailed(ex)) {
                        return new Created(null, null);
                    }
                }
                failures.failed(ex, "Creating generation " + generation + " of S3 lock '" + name + "' in bucket "
                        + context.calls().bucket(), deadline);
            }
        }
    }

    private Optional<S3Calls.Stored> readRetrying(String key) throws InterruptedException {
        return retrying("Reading " + key, () -> context.calls().read(key, context.options().requestTimeout()));
    }

    /**
     * Our create landed; it counts only if it is the first create of its generation. A create can
     * land late (a slow or retried request) after its generation was created, released and deleted
     * by others. Superseded generations are deleted only {@link DeferredDeletes#KEEP} after a newer
     * one was seen, so a create that landed within {@link DeferredDeletes#CREATE_WINDOW} of
     * {@code knownSinceNanos} cannot be such a late one; otherwise a listing decides (the newest
     * generation is never deleted).
     */
    private Created granted(long generation, S3Calls.Stored written, long sentNanos, long knownSinceNanos)
            throws InterruptedException {
        long landed = System.nanoTime();
        if (landed - knownSinceNanos >= DeferredDeletes.CREATE_WINDOW.toNanos()) {
            Listed after = listRetrying();
            if (after.listing().latest() > generation) {
                log.warn("Generation {} of S3 lock '{}' landed after generation {} existed; withdrawing it",
                        generation, name, after.listing().latest());
                // the acquisition goes on with this listing and schedules its old keys, ours among them
                return new Created(null, after);
            }
            context.deletes().schedule(folder, after.listing().obsoleteKeys(), after.receivedNanos());
        }
        S3HeldLock lock = new S3HeldLock(context, name, folder, generation, written, sentNanos, lossListener);
        lock.start();
        if (generation > 1) {
            context.deletes().schedule(folder, LockKeys.keysOf(folder, generation - 1), landed);
        }
        return new Created(lock, null);
    }

    private Optional<String> headRetrying(String key) throws InterruptedException {
        return retrying("Polling S3 lock '" + name + "' (" + key + ")",
                () -> context.calls().etag(key, context.options().requestTimeout()));
    }

    private Listed listRetrying() throws InterruptedException {
        return retrying("Listing S3 lock '" + name + "'", () -> {
            long sent = System.nanoTime();
            Listing listing = context.calls().list(folder, context.options().requestTimeout());
            return new Listed(listing, sent, System.nanoTime());
        });
    }

    /** Sends {@code call} until it works; a run of failures ends as {@link FailureRun} decides. */
    private <T> T retrying(String what, Supplier<T> call) throws InterruptedException {
        while (true) {
            try {
                T result = call.get();
                failures.reset();
                return result;
            }
            catch (SdkException ex) {
                failures.failed(ex, what + " in bucket " + context.calls().bucket(), deadline);
            }
        }
    }
}
