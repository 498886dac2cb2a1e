package dev.slocket.spring.autoconfigure;

import dev.slocket.socket.HandoverMode;
import dev.slocket.socket.StaleSocketPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code slocket.*} configuration properties. Each backend has its own group
 * ({@code slocket.socket.*}, ...), used only when that backend is selected.
 */
@ConfigurationProperties("slocket")
public class SlocketProperties {

    /** The backend used when {@code slocket.backend} is not set. */
    public static final String DEFAULT_BACKEND = "socket";

    /**
     * Whether to auto-configure the lock registry and the @Mutexed advice.
     */
    private boolean enabled = true;

    /**
     * The backend that arbitrates locks between processes: 'socket' (processes on one host),
     * 'file' (processes sharing a file system), 's3' (processes on any number of hosts) or
     * 'memory' (this JVM only, for tests and local development).
     */
    private String backend = DEFAULT_BACKEND;

    /**
     * How long an acquisition without an explicit wait (LockRegistry.acquire(name), @Mutexed without
     * waitFor) waits before it times out. Unset waits indefinitely.
     */
    private Duration waitTimeout;

    private final Aop aop = new Aop();

    private final Socket socket = new Socket();

    /**
     * Further registries by id, beside the primary one of slocket.backend. Each is a LockRegistry
     * bean qualified by its id and chosen with @Mutexed(registry = "<id>"). Keys of
     * slocket.registries.<id>: 'backend' ('socket', 'file', 's3' or 'memory'), 'wait-timeout'
     * (default slocket.wait-timeout), and that backend's options under 'socket.*', 'file.*' or
     * 's3.*', the same keys as slocket.socket.*, slocket.file.* and slocket.s3.*.
     */
    private final Map<String, SlocketRegistryProperties> registries = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getBackend() {
        return backend;
    }

    public void setBackend(String backend) {
        this.backend = backend;
    }

    public Duration getWaitTimeout() {
        return waitTimeout;
    }

    public void setWaitTimeout(Duration waitTimeout) {
        this.waitTimeout = waitTimeout;
    }

    public Aop getAop() {
        return aop;
    }

    public Socket getSocket() {
        return socket;
    }

    public Map<String, SlocketRegistryProperties> getRegistries() {
        return registries;
    }

    /** The {@code slocket.aop.*} group. */
    public static class Aop {

        /** Runs outside {@code @Transactional} (order Integer.MAX_VALUE), so commits finish before release. */
        public static final int DEFAULT_ORDER = Integer.MAX_VALUE - 100;

        /**
         * The order of the @Mutexed advice among other advice on the same method; lower values run
         * further outside. The default runs just outside @Transactional (whose default order is
         * Integer.MAX_VALUE), so a transaction commits before the lock is released.
         */
        private int order = DEFAULT_ORDER;

        public int getOrder() {
            return order;
        }

        public void setOrder(int order) {
            this.order = order;
        }
    }

    /** The {@code slocket.socket.*} group: options of the Unix-domain-socket backend. */
    public static class Socket {

        /**
         * The directory that holds the lock sockets and fencing counters; created if missing.
         * Every process that should share locks must use the same directory.
         */
        private Path directory = Path.of(System.getProperty("java.io.tmpdir"),
                "slocket-" + System.getProperty("user.name"));

        /**
         * What to do with a socket nobody listens on: 'reclaim' it when no live process owns it,
         * or 'wait' until it disappears (required when Node slocket processes share the directory).
         */
        private StaleSocketPolicy staleSocketPolicy = StaleSocketPolicy.RECLAIM;

        /**
         * The safety poll while waiting on a lock path that is not a listening socket (10ms..5s).
         */
        private Duration watchPollInterval = Duration.ofMillis(250);

        /**
         * The first backoff after a transient connect error (1ms..5s).
         */
        private Duration reconnectBackoffMin = Duration.ofMillis(5);

        /**
         * The longest backoff after transient connect errors (1ms..5s, at least the minimum).
         */
        private Duration reconnectBackoffMax = Duration.ofMillis(250);

        /**
         * The listen backlog of the socket a lock holder binds.
         */
        private int backlog = 511;

        /**
         * POSIX permissions of a lock directory this backend creates.
         */
        private String directoryPermissions = "rwx------";

        /**
         * POSIX permissions applied to a lock socket right after it is bound.
         */
        private String socketPermissions = "rw-------";

        /**
         * Whether to grant locks only to, and accept grants only from, processes of the same user
         * (checked with peer credentials on Linux).
         */
        private boolean requirePeerSameUser = true;

        /**
         * How a releasing holder passes the lock on: 'queue' grants the longest waiter (FIFO);
         * 'race' closes every waiting connection so that the waiters race to bind.
         */
        private HandoverMode handoverMode = HandoverMode.QUEUE;

        /**
         * The group whose users share the lock directory and each other's locks (the directory must
         * have this group and must not be writable by others); unset for a directory private to the
         * process's user, which is then refused if another user owns it or its group may write it.
         */
        private String sharedGroup;

        /**
         * How long a waiting acquisition busy-waits for its grant before it blocks (0..10ms; 0, the
         * default, never): a hold shorter than that is handed over without waking a blocked thread,
         * for that much CPU per wait. It adapts: after spins that missed their grant, the next
         * waiters block at once.
         */
        private Duration spinWait = Duration.ZERO;

        public Path getDirectory() {
            return directory;
        }

        public void setDirectory(Path directory) {
            this.directory = directory;
        }

        public StaleSocketPolicy getStaleSocketPolicy() {
            return staleSocketPolicy;
        }

        public void setStaleSocketPolicy(StaleSocketPolicy staleSocketPolicy) {
            this.staleSocketPolicy = staleSocketPolicy;
        }

        public Duration getWatchPollInterval() {
            return watchPollInterval;
        }

        public void setWatchPollInterval(Duration watchPollInterval) {
            this.watchPollInterval = watchPollInterval;
        }

        public Duration getReconnectBackoffMin() {
            return reconnectBackoffMin;
        }

        public void setReconnectBackoffMin(Duration reconnectBackoffMin) {
            this.reconnectBackoffMin = reconnectBackoffMin;
        }

        public Duration getReconnectBackoffMax() {
            return reconnectBackoffMax;
        }

        public void setReconnectBackoffMax(Duration reconnectBackoffMax) {
            this.reconnectBackoffMax = reconnectBackoffMax;
        }

        public int getBacklog() {
            return backlog;
        }

        public void setBacklog(int backlog) {
            this.backlog = backlog;
        }

        public String getDirectoryPermissions() {
            return directoryPermissions;
        }

        public void setDirectoryPermissions(String directoryPermissions) {
            this.directoryPermissions = directoryPermissions;
        }

        public String getSocketPermissions() {
            return socketPermissions;
        }

        public void setSocketPermissions(String socketPermissions) {
            this.socketPermissions = socketPermissions;
        }

        public boolean isRequirePeerSameUser() {
            return requirePeerSameUser;
        }

        public void setRequirePeerSameUser(boolean requirePeerSameUser) {
            this.requirePeerSameUser = requirePeerSameUser;
        }

        public Duration getSpinWait() {
            return spinWait;
        }

        public void setSpinWait(Duration spinWait) {
            this.spinWait = spinWait;
        }

        public HandoverMode getHandoverMode() {
            return handoverMode;
        }

        public void setHandoverMode(HandoverMode handoverMode) {
            this.handoverMode = handoverMode;
        }

        public String getSharedGroup() {
            return sharedGroup;
        }

        public void setSharedGroup(String sharedGroup) {
            this.sharedGroup = sharedGroup;
        }
    }
}
