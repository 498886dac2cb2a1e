package dev.slocket.s3;

import java.time.Duration;
import java.util.Optional;

/**
 * What a waiting acquisition knows of the held generation it waits for, and the takeover rule:
 * the holder's object must have kept one ETag for the holder's lease plus the safety margin on
 * our monotonic clock, from the answer that first showed that ETag to a request sent that much
 * later. ETags of two listings or of two HEAD answers are compared, never a HEAD's with a
 * listing's for a takeover, in case a store formats them differently.
 */
final class HolderWatch {

    /** Reads a generation object (for the holder's lease); empty if it is gone. */
    interface Reader {
        Optional<S3Calls.Stored> read(long generation) throws InterruptedException;
    }

    /** One ETag of one generation, and when we first saw it. */
    private record Seen(long generation, String etag, long firstSeenNanos, long leaseNanos, String owner) {
    }

    private final long defaultLeaseNanos;

    private final long marginNanos;

    private Seen seen;

    /** What a poll found due for takeover, to be confirmed by the next listing. */
    private Seen dueByPoll;

    HolderWatch(Duration defaultLease, Duration safetyMargin) {
        this.defaultLeaseNanos = defaultLease.toNanos();
        this.marginNanos = safetyMargin.toNanos();
    }

    /**
     * @param listing a listing whose newest generation is held
     * @return whether that generation may be taken over now: a poll found it due and the listing
     *         shows no newer generation, or an earlier listing showed the same ETag long enough before
     */
    boolean takeoverDue(Listing listing, long listSent, long listReceived, Reader reader) throws InterruptedException {
        Seen polled = dueByPoll;
        dueByPoll = null;
        if (polled != null && polled == seen && seen.generation() == listing.latest()) {
            return true;
        }
        if (seen == null || seen.generation() != listing.latest() || !sameEtag(seen.etag(), listing.latestEtag())) {
            seen = observe(listing, listReceived, reader);
            return false;
        }
        return listSent - seen.firstSeenNanos() >= takeoverAfterNanos();
    }

    private Seen observe(Listing listing, long seenNanos, Reader reader) throws InterruptedException {
        long leaseNanos = defaultLeaseNanos;
        String owner = "?";
        if (seen != null && seen.generation() == listing.latest()) {
            leaseNanos = seen.leaseNanos();
            owner = seen.owner();
        }
        else {
            Optional<S3Calls.Stored> stored = reader.read(listing.latest());
            if (stored.isPresent() && stored.get().body().leaseMs() > 0) {
                leaseNanos = Duration.ofMillis(stored.get().body().leaseMs()).toNanos();
                owner = stored.get().body().owner();
            }
        }
        return new Seen(listing.latest(), listing.latestEtag(), seenNanos, leaseNanos, owner);
    }

    /**
     * Takes the ETag a HEAD of the watched generation's object answered; a new one starts the
     * watch again.
     *
     * @return whether a takeover is due, so that a listing should confirm it
     */
    boolean polled(String etag, long sentNanos, long receivedNanos) {
        if (!sameEtag(etag, seen.etag())) {
            seen = new Seen(seen.generation(), etag, receivedNanos, seen.leaseNanos(), seen.owner());
            return false;
        }
        if (sentNanos - seen.firstSeenNanos() >= takeoverAfterNanos()) {
            dueByPoll = seen;
            return true;
        }
        return false;
    }

    /** @return the watched generation */
    long generation() {
        return seen.generation();
    }

    /** @return the owner of the watched generation, as its body names it */
    String owner() {
        return seen.owner();
    }

    /** @return nanoseconds until a takeover falls due if nothing changes; {@code Long.MAX_VALUE} before any watch */
    long dueInNanos() {
        return seen == null ? Long.MAX_VALUE : seen.firstSeenNanos() + takeoverAfterNanos() - System.nanoTime();
    }

    private long takeoverAfterNanos() {
        return seen.leaseNanos() + marginNanos;
    }

    /** ETags as listings and HEAD answers give them, which may differ in quoting only. */
    private static boolean sameEtag(String one, String other) {
        return unquoted(one).equals(unquoted(other));
    }

    private static String unquoted(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1) : etag;
    }
}
