package dev.slocket.s3;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of the S3 backend.
 *
 * @param bucket the bucket that holds the lock objects; must exist
 * @param keyPrefix prepended to every key this backend writes, e.g. {@code slocket/}; may be empty
 * @param lease how long a hold stays valid without renewal; the holder renews every {@code lease/3}
 * @param safetyMargin how much longer than the lease a contender waits, on its own clock, after it
 *        last saw the holder's object change, before it takes the lock over
 * @param pollMin the first delay between polls of a held lock (jittered, doubling)
 * @param pollMax the longest delay between polls of a held lock
 * @param requestTimeout the longest time one S3 call may take, including the client's own retries
 * @param failureTimeout how long a run of failed requests (broken connections, throttling, 5xx, 409)
 *        is retried before acquiring fails with a {@code LockBackendException}
 * @param probe whether to check at start-up that the bucket rejects a second {@code If-None-Match: *}
 *        create; a bucket that does not makes construction fail
 */
public record S3LockOptions(String bucket, String keyPrefix, Duration lease, Duration safetyMargin, Duration pollMin,
        Duration pollMax, Duration requestTimeout, Duration failureTimeout, boolean probe) {

    /** The longest key prefix accepted, so that lock names keep room in S3's 1024-byte keys. */
    public static final int MAX_KEY_PREFIX_LENGTH = 512;

    public S3LockOptions {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("bucket must be set");
        }
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (keyPrefix.length() > MAX_KEY_PREFIX_LENGTH) {
            throw new IllegalArgumentException(
                    "keyPrefix must be at most " + MAX_KEY_PREFIX_LENGTH + " characters, was " + keyPrefix.length());
        }
        requireBetween("lease", lease, Duration.ofMillis(300), Duration.ofHours(1));
        requireBetween("safetyMargin", safetyMargin, Duration.ZERO, Duration.ofMinutes(10));
        requireBetween("pollMin", pollMin, Duration.ofMillis(1), Duration.ofMinutes(1));
        requireBetween("pollMax", pollMax, pollMin, Duration.ofMinutes(1));
        requireBetween("requestTimeout", requestTimeout, Duration.ofMillis(100), Duration.ofMinutes(5));
        requireBetween("failureTimeout", failureTimeout, Duration.ZERO, Duration.ofHours(1));
    }

    /**
     * @param bucket the bucket
     * @return the defaults for that bucket
     */
    public static S3LockOptions defaults(String bucket) {
        return builder(bucket).build();
    }

    /**
     * @param bucket the bucket
     * @return a builder that starts from the defaults
     */
    public static Builder builder(String bucket) {
        return new Builder(bucket);
    }

    /** @return how often the holder renews: a third of the lease */
    public Duration renewInterval() {
        return lease.dividedBy(3);
    }

    private static void requireBetween(String name, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    /** Builds {@link S3LockOptions}; every option starts at its default. */
    public static final class Builder {

        private final String bucket;

        private String keyPrefix = "slocket/";

        private Duration lease = Duration.ofSeconds(30);

        private Duration safetyMargin = Duration.ofSeconds(2);

        private Duration pollMin = Duration.ofMillis(50);

        private Duration pollMax = Duration.ofSeconds(2);

        private Duration requestTimeout = Duration.ofSeconds(10);

        private Duration failureTimeout = Duration.ofSeconds(30);

        private boolean probe = true;

        private Builder(String bucket) {
            this.bucket = bucket;
        }

        /** @param value prepended to every key, default {@code slocket/}; may be empty */
        public Builder keyPrefix(String value) {
            this.keyPrefix = value;
            return this;
        }

        /** @param value the lease, default 30 s (300 ms..1 h); renewed every third of it */
        public Builder lease(Duration value) {
            this.lease = value;
            return this;
        }

        /** @param value added to a holder's lease before a contender takes over, default 2 s */
        public Builder safetyMargin(Duration value) {
            this.safetyMargin = value;
            return this;
        }

        /**
         * @param min first delay between polls of a held lock, default 50 ms
         * @param max longest delay between polls, default 2 s
         */
        public Builder poll(Duration min, Duration max) {
            this.pollMin = min;
            this.pollMax = max;
            return this;
        }

        /** @param value the longest time one S3 call may take, client retries included, default 10 s */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        /** @param value how long failing requests are retried before acquiring fails, default 30 s */
        public Builder failureTimeout(Duration value) {
            this.failureTimeout = value;
            return this;
        }

        /** @param value whether to run the capability probe at start-up, default {@code true} */
        public Builder probe(boolean value) {
            this.probe = value;
            return this;
        }

        /** @return the options; throws {@link IllegalArgumentException} naming an option out of range */
        public S3LockOptions build() {
            return new S3LockOptions(bucket, keyPrefix, lease, safetyMargin, pollMin, pollMax, requestTimeout,
                    failureTimeout, probe);
        }
    }
}
