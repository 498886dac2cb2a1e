package dev.slocket.s3;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The takeover rule of a waiter, on timestamps it is given (nanoseconds of our monotonic clock):
 * the holder's object must keep one ETag for its lease plus the margin, from the answer that
 * first showed it to a request sent that much later.
 */
class HolderWatchTest {

    private static final long LEASE = Duration.ofSeconds(1).toNanos();

    private static final long MARGIN = Duration.ofMillis(500).toNanos();

    private static final long DUE = LEASE + MARGIN;

    /** The holder's body names a 1 s lease; the default lease (30 s) must not be used. */
    private static final HolderWatch.Reader HOLDER = generation -> Optional.of(new S3Calls.Stored(
            new LockBody(true, "holder", "nonce", generation, LEASE / 1_000_000, ""), "\"a\""));

    private final HolderWatch watch = new HolderWatch(Duration.ofSeconds(30), Duration.ofNanos(MARGIN));

    private static Listing held(long generation, String etag) {
        return new Listing("f/", generation, etag, false, List.of());
    }

    @Test
    void listingsShowingOneETagMakeATakeoverDueOnlyLeasePlusMarginAfterItWasFirstSeen() throws Exception {
        assertThat(watch.takeoverDue(held(1, "\"a\""), 0, 10, HOLDER)).as("first sight").isFalse();
        assertThat(watch.owner()).isEqualTo("holder");
        assertThat(watch.takeoverDue(held(1, "\"a\""), DUE + 9, DUE + 20, HOLDER)).as("sent too early").isFalse();
        assertThat(watch.takeoverDue(held(1, "\"a\""), DUE + 10, DUE + 20, HOLDER)).isTrue();
    }

    @Test
    void pollsShowingOneETagMakeATakeoverDueAndANewETagStartsAgain() throws Exception {
        watch.takeoverDue(held(1, "\"a\""), 0, 10, HOLDER);
        assertThat(watch.polled("a", DUE, DUE + 5)).as("the same ETag, unquoted, sent before it is due").isFalse();
        assertThat(watch.polled("\"b\"", DUE + 10, DUE + 20)).as("renewed").isFalse();
        assertThat(watch.polled("\"b\"", 2 * DUE + 19, 2 * DUE + 30)).isFalse();
        assertThat(watch.polled("\"b\"", 2 * DUE + 20, 2 * DUE + 30)).isTrue();
        assertThat(watch.takeoverDue(held(1, "\"b\""), 2 * DUE + 40, 2 * DUE + 50, HOLDER)).isTrue();
    }

    /** A store may give ETags in another form in listings than in HEAD answers: the polls decide. */
    @Test
    void aTakeoverThatPollsFoundDueIsConfirmedByAListingOfTheSameGenerationWhateverItsETagForm() throws Exception {
        watch.takeoverDue(held(1, "listed-a"), 0, 10, HOLDER);
        assertThat(watch.polled("head-a", 20, 30)).as("another form: the watch starts again").isFalse();
        assertThat(watch.polled("head-a", DUE + 30, DUE + 40)).isTrue();
        assertThat(watch.takeoverDue(held(1, "listed-a"), DUE + 50, DUE + 60, HOLDER)).isTrue();
    }

    @Test
    void aTakeoverThatPollsFoundDueIsNotConfirmedByAListingOfANewerGeneration() throws Exception {
        watch.takeoverDue(held(1, "\"a\""), 0, 10, HOLDER);
        assertThat(watch.polled("\"a\"", DUE + 10, DUE + 20)).isTrue();
        assertThat(watch.takeoverDue(held(2, "\"c\""), DUE + 30, DUE + 40, HOLDER)).isFalse();
        assertThat(watch.generation()).isEqualTo(2);
        assertThat(watch.takeoverDue(held(2, "\"c\""), DUE + 50, DUE + 60, HOLDER)).as("watched anew").isFalse();
    }
}
