package dev.slocket.s3;

import dev.slocket.spi.Deadline;
import dev.slocket.spi.LossListener;

import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of {@code acquire}: list the lock's folder; if the newest generation is released
 * (or there is none) create the next one with {@code If-None-Match: *}; if it is held, poll with
 * jittered exponential backoff and take over by creating the next generation once the holder's
 * object has stayed unchanged (same ETag) for {@code lease + safety margin} on our monotonic clock.
 */
final class Acquisition {

    private static final Logger log = LoggerFactory.getLogger(Acquisition.class);

    /** A held generation being watched: when we first saw it with this ETag, and its holder's lease. */
    private record Watch(long generation, String etag, long firstSeenNanos, long leaseNanos, String owner) {
    }

    private final HoldContext context;

    private final String name;

    private final String folder;

    private final Deadline deadline;

    private final LossListener lossListener;

    private final Backoff poll;

    private final FailureRun failures;

    private Watch watch;

    Acquisition(HoldContext context, String name, String folder, Deadline deadline, LossListener lossListener) {
        this.context = context;
        this.name = name;
        this.folder = folder;
        this.deadline = deadline;
        this.lossListener = lossListener;
        S3LockOptions options = context.options();
        this.poll = new Backoff(options.pollMin(), options.pollMax());
        this.failures = new FailureRun(options.failureTimeout(), options.pollMin(), options.pollMax());
    }

    /** @return the hold, or {@code null} when the deadline passed first */
    S3HeldLock run() throws InterruptedException {
        OptionalLong releasedByUs = context.releases().take(folder);
        if (releasedByUs.isPresent()) {
            S3HeldLock lock = create(releasedByUs.getAsLong());
            if (lock != null) {
                return lock;
            }
        }
        while (true) {
            long listSent = System.nanoTime();
            Listing listing = listRetrying();
            long listReceived = System.nanoTime();
            S3HeldLock lock = null;
            if (listing.free()) {
                lock = create(listing.latest());
            }
            else if (deadline.isExpired()) {
                return null;
            }
            else if (takeoverDue(listing, listSent, listReceived)) {
                log.warn("Taking over S3 lock '{}': generation {} of {} unchanged for its lease plus {}", name,
                        listing.latest(), watch.owner(), context.options().safetyMargin());
                lock = create(listing.latest());
            }
            if (lock != null) {
                return lock;
            }
            if (deadline.isExpired()) {
                return null;
            }
            Thread.sleep(nextPollMillis());
        }
    }

    private boolean takeoverDue(Listing listing, long listSent, long listReceived) throws InterruptedException {
        if (watch == null || watch.generation() != listing.latest() || !watch.etag().equals(listing.latestEtag())) {
            watch = observe(listing, listReceived);
            return false;
        }
        return listSent - watch.firstSeenNanos() >= watch.leaseNanos() + context.options().safetyMargin().toNanos();
    }

    private Watch observe(Listing listing, long seenNanos) throws InterruptedException {
        long leaseNanos = context.options().lease().toNanos();
        String owner = "?";
        if (watch != null && watch.generation() == listing.latest()) {
            leaseNanos = watch.leaseNanos();
            owner = watch.owner();
        }
        else {
            Optional<S3Calls.Stored> stored = readRetrying(LockKeys.generationKey(folder, listing.latest()));
            if (stored.isPresent() && stored.get().body().leaseMs() > 0) {
                leaseNanos = Duration.ofMillis(stored.get().body().leaseMs()).toNanos();
                owner = stored.get().body().owner();
            }
        }
        return new Watch(listing.latest(), listing.latestEtag(), seenNanos, leaseNanos, owner);
    }

    private long nextPollMillis() {
        long delay = poll.next();
        if (watch != null) {
            long dueIn = watch.firstSeenNanos() + watch.leaseNanos() + context.options().safetyMargin().toNanos()
                    - System.nanoTime();
            delay = Math.min(delay, Math.max(1, dueIn / 1_000_000 + 1));
        }
        return Math.max(1, deadline.remainingMillisAtMost(delay, TimeUnit.MILLISECONDS));
    }

    /**
     * Creates generation {@code latest + 1}. An ambiguous outcome (broken connection, timeout, 5xx,
     * or a 412 that may answer a client retry of our own landed write) is decided by reading the
     * object back and comparing the nonce.
     *
     * @param latest the newest generation, known to be released (or expired, for a takeover)
     * @return the hold, or {@code null} if another party created the generation first or ours
     *         turned out to be stale
     */
    private S3HeldLock create(long latest) throws InterruptedException {
        long generation = latest + 1;
        String key = LockKeys.generationKey(folder, generation);
        LockBody body = Nonces.body(true, context.owner(), generation, context.options().lease().toMillis());
        long firstSent = System.nanoTime();
        while (true) {
            try {
                String etag = context.calls().create(key, body, context.options().requestTimeout());
                failures.reset();
                return granted(generation, new S3Calls.Stored(body, etag), firstSent);
            }
            catch (SdkException ex) {
                if (S3Errors.preconditionFailed(ex) || S3Errors.ambiguous(ex)) {
                    Optional<S3Calls.Stored> stored = readRetrying(key);
                    if (stored.isPresent()) {
                        boolean ours = stored.get().body().nonce().equals(body.nonce());
                        log.debug("Create of generation {} of S3 lock '{}' ended with {}; read back: {}", generation,
                                name, S3Errors.describe(ex), ours ? "ours" : "another party's");
                        return ours ? granted(generation, stored.get(), firstSent) : null;
                    }
                    if (S3Errors.preconditionFailed(ex)) {
                        return null;
                    }
                }
                failures.failed(ex, "Creating generation " + generation + " of S3 lock '" + name + "' in bucket "
                        + context.calls().bucket(), deadline);
            }
        }
    }

    private Optional<S3Calls.Stored> readRetrying(String key) throws InterruptedException {
        while (true) {
            try {
                Optional<S3Calls.Stored> stored = context.calls().read(key, context.options().requestTimeout());
                failures.reset();
                return stored;
            }
            catch (SdkException ex) {
                failures.failed(ex, "Reading " + key + " in bucket " + context.calls().bucket(), deadline);
            }
        }
    }

    /**
     * Our create landed; it counts only if no newer generation exists. A create can land late
     * (a slow or retried request) after its generation was created, released and cleaned up by
     * others; the listing after the create catches that, and also names the older keys to clean up.
     */
    private S3HeldLock granted(long generation, S3Calls.Stored written, long sentNanos) throws InterruptedException {
        String key = LockKeys.generationKey(folder, generation);
        Listing after = listRetrying();
        if (after.latest() > generation) {
            log.warn("Generation {} of S3 lock '{}' landed after generation {} existed; withdrawing it", generation,
                    name, after.latest());
            deleteQuietly(List.of(key));
            return null;
        }
        S3HeldLock lock = new S3HeldLock(context, name, folder, generation, written, sentNanos, lossListener);
        lock.start();
        deleteQuietly(after.obsoleteKeys());
        return lock;
    }

    private Listing listRetrying() throws InterruptedException {
        while (true) {
            try {
                Listing listing = context.calls().list(folder, context.options().requestTimeout());
                failures.reset();
                return listing;
            }
            catch (SdkException ex) {
                failures.failed(ex, "Listing S3 lock '" + name + "' in bucket " + context.calls().bucket(), deadline);
            }
        }
    }

    private void deleteQuietly(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            context.calls().deleteObsolete(keys, context.options().requestTimeout());
        }
        catch (SdkException ex) {
            log.debug("Could not delete old keys of S3 lock '{}': {}", name, S3Errors.describe(ex));
        }
    }
}
