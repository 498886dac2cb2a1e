package dev.slocket.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Options of the file backend: one lock directory {@code <directory>/<encoded name>.lock} per
 * lock name (spec {@code file-lock.md} FL-5, FL-6, FL-11).
 *
 * @param directory where the lock directories live; created if missing
 * @param timing the staleness threshold ({@code stale}, default 10 s, at least 2 s) and the
 *        heartbeat interval ({@code update}, default {@code stale/2}, between 1 s and {@code stale/2})
 * @param watchPollInterval the slow safety poll while waiting, on top of directory events (10 ms..60 s)
 * @param sharedGroup the group whose users share the directory and its locks; {@code null} (the default)
 *        for a directory private to the effective user; see README "Security"
 */
public record FileLockOptions(Path directory, LockTiming timing, Duration watchPollInterval, String sharedGroup) {

    /** Default safety poll while waiting. */
    public static final Duration DEFAULT_WATCH_POLL_INTERVAL = Duration.ofSeconds(1);

    public FileLockOptions {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(timing, "timing");
        watchPollInterval = requirePollInterval(watchPollInterval);
        directory = directory.toAbsolutePath().normalize();
    }

    /** @return the staleness threshold */
    public Duration stale() {
        return timing.stale();
    }

    /** @return the heartbeat interval */
    public Duration update() {
        return timing.update();
    }

    /**
     * @param directory the lock directory
     * @return the defaults for that directory
     */
    public static FileLockOptions defaults(Path directory) {
        return builder(directory).build();
    }

    /**
     * @param directory the lock directory
     * @return a builder that starts from the defaults
     */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    static Duration requirePollInterval(Duration value) {
        Objects.requireNonNull(value, "watchPollInterval");
        if (value.compareTo(Duration.ofMillis(10)) < 0 || value.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("watchPollInterval must be between 10ms and 60s, was " + value);
        }
        return value;
    }

    /** Builds {@link FileLockOptions}; every option starts at its default. */
    public static final class Builder {

        private final Path directory;

        private Duration stale;

        private Duration update;

        private Duration watchPollInterval = DEFAULT_WATCH_POLL_INTERVAL;

        private String sharedGroup;

        private Builder(Path directory) {
            this.directory = directory;
        }

        /**
         * @param value the staleness threshold; {@code null} means 10 s, below 2 s means 2 s
         * @return this builder
         */
        public Builder stale(Duration value) {
            this.stale = value;
            return this;
        }

        /**
         * @param value the heartbeat interval; {@code null} means {@code stale/2}; clamped to 1 s..{@code stale/2}
         * @return this builder
         */
        public Builder update(Duration value) {
            this.update = value;
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

        /**
         * @param value the group whose users share the lock directory; {@code null} for a private one
         * @return this builder
         */
        public Builder sharedGroup(String value) {
            this.sharedGroup = value;
            return this;
        }

        public FileLockOptions build() {
            return new FileLockOptions(directory, new LockTiming(stale, update), watchPollInterval, sharedGroup);
        }
    }
}
