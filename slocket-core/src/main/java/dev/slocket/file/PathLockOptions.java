package dev.slocket.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Options of the path form, {@link FileLocks} (spec FL-5, FL-6, FL-9, FL-11): lock a given file
 * {@code F} with the directory {@code F.lock}.
 *
 * @param timing {@code stale} (default 10 s, at least 2 s) and {@code update} (default
 *        {@code stale/2}, between 1 s and {@code stale/2})
 * @param realpath resolve the file with {@link Path#toRealPath} (symlinks followed, the file must
 *        exist); when {@code false} the path is only made absolute and need not exist
 * @param lockfilePath the lock directory to use instead of {@code <resolved file>.lock}, taken as
 *        written; {@code null} for the default
 * @param acquireTimeout how long {@link FileLocks#lock} waits for a busy lock; {@link Duration#ZERO} (the
 *        default) makes one attempt, like {@code proper-lockfile} without retries
 * @param watchPollInterval the slow safety poll while waiting (10 ms..60 s)
 */
public record PathLockOptions(LockTiming timing, boolean realpath, Path lockfilePath, Duration acquireTimeout,
        Duration watchPollInterval) {

    public PathLockOptions {
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(acquireTimeout, "acquireTimeout");
        if (acquireTimeout.isNegative()) {
            throw new IllegalArgumentException("acquireTimeout must not be negative, was " + acquireTimeout);
        }
        watchPollInterval = FileLockOptions.requirePollInterval(watchPollInterval);
    }

    /** @return the defaults: 10 s stale, 5 s update, realpath on, {@code <file>.lock}, one attempt */
    public static PathLockOptions defaults() {
        return builder().build();
    }

    /** @return a builder that starts from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link PathLockOptions}; every option starts at its default. */
    public static final class Builder {

        private LockTiming timing = LockTiming.defaults();

        private boolean realpath = true;

        private Path lockfilePath;

        private Duration acquireTimeout = Duration.ZERO;

        private Duration watchPollInterval = FileLockOptions.DEFAULT_WATCH_POLL_INTERVAL;

        private Builder() {
        }

        /**
         * @param value {@code stale} and {@code update}, e.g. {@code new LockTiming(Duration.ofSeconds(30), null)}
         * @return this builder
         */
        public Builder timing(LockTiming value) {
            this.timing = value;
            return this;
        }

        /**
         * @param value whether to resolve symlinks (the file must then exist)
         * @return this builder
         */
        public Builder realpath(boolean value) {
            this.realpath = value;
            return this;
        }

        /**
         * @param value the lock directory, used as written; {@code null} for {@code <file>.lock}
         * @return this builder
         */
        public Builder lockfilePath(Path value) {
            this.lockfilePath = value;
            return this;
        }

        /**
         * @param value how long to wait for a busy lock
         * @return this builder
         */
        public Builder acquireTimeout(Duration value) {
            this.acquireTimeout = value;
            return this;
        }

        /**
         * @param value the safety poll while waiting
         * @return this builder
         */
        public Builder watchPollInterval(Duration value) {
            this.watchPollInterval = value;
            return this;
        }

        public PathLockOptions build() {
            return new PathLockOptions(timing, realpath, lockfilePath, acquireTimeout, watchPollInterval);
        }
    }
}
