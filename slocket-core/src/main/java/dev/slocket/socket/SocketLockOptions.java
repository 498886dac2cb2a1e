package dev.slocket.socket;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Options of the Unix-socket backend ({@code ../shared/spec/socket-lock.md} SL-52).
 *
 * @param directory where the lock sockets live; created (mode {@code directoryPermissions}) if missing
 * @param staleSocketPolicy what to do with a socket nobody listens on
 * @param watchPollInterval the safety poll while waiting on a non-socket or refusing socket (10 ms..5 s)
 * @param reconnectBackoffMin first backoff after a transient connect error (1 ms..5 s)
 * @param reconnectBackoffMax longest backoff after transient connect errors (1 ms..5 s)
 * @param backlog the listen backlog of an arbiter
 * @param directoryPermissions POSIX permissions of a directory this backend creates, e.g. {@code rwx------}
 * @param socketPermissions POSIX permissions applied to a socket right after bind, e.g. {@code rw-------};
 *        {@code null} leaves them to the umask
 * @param requirePeerSameUser grant only to, and accept grants only from, processes of the same uid (Linux)
 * @param handoverMode how a releasing arbiter passes the lock on (SL-43)
 * @param sharedGroup the group whose users share the lock directory and its locks; {@code null} (the
 *        default) for a directory private to the effective user. Members of the group are trusted
 *        with each other's locks; see README "Security"
 * @param spinWait how long a waiting acquisition busy-waits for its grant before it blocks (0..10 ms;
 *        the default, zero, never): a hold shorter than that is handed over without a wake-up, at the
 *        price of that much CPU per wait; set it a little above the lock's usual hold. The spin adapts:
 *        after spins that missed, the next waiters block at once. See docs/benchmarks.md
 */
public record SocketLockOptions(Path directory, StaleSocketPolicy staleSocketPolicy, Duration watchPollInterval,
        Duration reconnectBackoffMin, Duration reconnectBackoffMax, int backlog, String directoryPermissions,
        String socketPermissions, boolean requirePeerSameUser, HandoverMode handoverMode, String sharedGroup,
        Duration spinWait) {

    /** The default of {@link #spinWait()}: waiters block at once (DESIGN §4, "waiting never spins"). */
    public static final Duration DEFAULT_SPIN_WAIT = Duration.ZERO;

    public SocketLockOptions {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(staleSocketPolicy, "staleSocketPolicy");
        requireBetween("watchPollInterval", watchPollInterval, Duration.ofMillis(10), Duration.ofSeconds(5));
        requireBetween("reconnectBackoffMin", reconnectBackoffMin, Duration.ofMillis(1), Duration.ofSeconds(5));
        requireBetween("reconnectBackoffMax", reconnectBackoffMax, reconnectBackoffMin, Duration.ofSeconds(5));
        Objects.requireNonNull(handoverMode, "handoverMode");
        requirePermissions("directoryPermissions", Objects.requireNonNull(directoryPermissions, "directoryPermissions"));
        requireNoForeignWrite(directoryPermissions, sharedGroup);
        if (socketPermissions != null) {
            requirePermissions("socketPermissions", socketPermissions);
        }
        requireBetween("spinWait", spinWait, Duration.ZERO, Duration.ofMillis(10));
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, was " + backlog);
        }
        directory = directory.toAbsolutePath().normalize();
    }

    /**
     * The options without {@link #spinWait()}, which then has its default (the constructor before
     * that option existed).
     */
    public SocketLockOptions(Path directory, StaleSocketPolicy staleSocketPolicy, Duration watchPollInterval,
            Duration reconnectBackoffMin, Duration reconnectBackoffMax, int backlog, String directoryPermissions,
            String socketPermissions, boolean requirePeerSameUser, HandoverMode handoverMode, String sharedGroup) {
        this(directory, staleSocketPolicy, watchPollInterval, reconnectBackoffMin, reconnectBackoffMax, backlog,
                directoryPermissions, socketPermissions, requirePeerSameUser, handoverMode, sharedGroup,
                DEFAULT_SPIN_WAIT);
    }

    /**
     * @param directory the lock directory
     * @return the defaults for that directory
     */
    public static SocketLockOptions defaults(Path directory) {
        return builder(directory).build();
    }

    /**
     * @param directory the lock directory
     * @return a builder that starts from the defaults
     */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    private static void requireBetween(String name, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    /** A directory this backend creates must meet the checks it makes (LockDirectoryGuard). */
    private static void requireNoForeignWrite(String directoryPermissions, String sharedGroup) {
        Set<PosixFilePermission> permissions = PosixFilePermissions.fromString(directoryPermissions);
        if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalArgumentException("directoryPermissions must not let others write to the lock directory,"
                    + " was '" + directoryPermissions + "'");
        }
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) && sharedGroup == null) {
            throw new IllegalArgumentException("directoryPermissions '" + directoryPermissions + "' let the group"
                    + " write to the lock directory, which needs sharedGroup to be set");
        }
    }

    private static void requirePermissions(String name, String value) {
        try {
            PosixFilePermissions.fromString(value);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(name + " must look like 'rwx------', was '" + value + "'", ex);
        }
    }

    /** Builds {@link SocketLockOptions}; every option starts at its default. */
    public static final class Builder {

        private final Path directory;

        private StaleSocketPolicy staleSocketPolicy = StaleSocketPolicy.RECLAIM;

        private Duration watchPollInterval = Duration.ofMillis(250);

        private Duration reconnectBackoffMin = Duration.ofMillis(5);

        private Duration reconnectBackoffMax = Duration.ofMillis(250);

        private int backlog = 511;

        private String directoryPermissions = "rwx------";

        private String socketPermissions = "rw-------";

        private boolean requirePeerSameUser = true;

        private HandoverMode handoverMode = HandoverMode.QUEUE;

        private String sharedGroup;

        private Duration spinWait = DEFAULT_SPIN_WAIT;

        private Builder(Path directory) {
            this.directory = directory;
        }

        public Builder staleSocketPolicy(StaleSocketPolicy value) {
            this.staleSocketPolicy = value;
            return this;
        }

        public Builder watchPollInterval(Duration value) {
            this.watchPollInterval = value;
            return this;
        }

        public Builder reconnectBackoff(Duration min, Duration max) {
            this.reconnectBackoffMin = min;
            this.reconnectBackoffMax = max;
            return this;
        }

        public Builder backlog(int value) {
            this.backlog = value;
            return this;
        }

        public Builder directoryPermissions(String value) {
            this.directoryPermissions = value;
            return this;
        }

        public Builder socketPermissions(String value) {
            this.socketPermissions = value;
            return this;
        }

        public Builder requirePeerSameUser(boolean value) {
            this.requirePeerSameUser = value;
            return this;
        }

        public Builder handoverMode(HandoverMode value) {
            this.handoverMode = value;
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

        /**
         * @param value how long a waiting acquisition busy-waits for its grant; {@link Duration#ZERO} never
         * @return this builder
         */
        public Builder spinWait(Duration value) {
            this.spinWait = value;
            return this;
        }

        public SocketLockOptions build() {
            return new SocketLockOptions(directory, staleSocketPolicy, watchPollInterval, reconnectBackoffMin,
                    reconnectBackoffMax, backlog, directoryPermissions, socketPermissions, requirePeerSameUser,
                    handoverMode, sharedGroup, spinWait);
        }
    }
}
