package dev.slocket.socket;

import dev.slocket.LockBackendException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.BackendStatus;
import dev.slocket.spi.DirectoryCheck;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LockNames;
import dev.slocket.spi.LossListener;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Unix-domain-socket backend, wire-compatible with npm {@code slocket} 1.0.5: binding the
 * lock's socket holds the lock, later contenders connect and wait in FIFO order, the arbiter
 * hands over by writing {@code OK} to the longest waiter, and a closed connection releases.
 * Stale sockets of dead processes are reclaimed safely through the sidecar rights, byte-range
 * locks in the directory's shared rights file; fencing counters share one file too, so the
 * directory holds only the sockets of locks in use plus two files. See {@code spec/socket-lock.md}.
 *
 * <p>Uses the JDK's own AF_UNIX channels: a plain {@code bind(2)} fails on any existing file, which
 * the protocol relies on (junixsocket's bind replaces regular files and unlistened sockets even with
 * {@code reuseAddress} off).
 */
public final class SocketLockBackend implements LockBackend {

    private static final Logger log = LoggerFactory.getLogger(SocketLockBackend.class);

    /**
     * How long the arbiter keeps the place of a grantee of another process that released, for a
     * process that loops on the lock to reconnect (first come, first served at every hold time).
     */
    private static final Duration KEPT_PLACE = Duration.ofMillis(2);

    private final SocketLockOptions options;

    private final LockDirectory directory;

    private final Map<Path, Arbiter> arbiters = new ConcurrentHashMap<>();

    private final Contender contender;

    /** The asynchronous acquisitions under way, withdrawn when the backend closes. */
    private final Set<AsyncSocketAcquisition> pending = ConcurrentHashMap.newKeySet();

    /**
     * @param options the backend's options
     * @throws LockBackendException if the lock directory is missing and cannot be created, is not
     *         a writable directory, could be controlled by another user, or is too long for socket paths
     */
    public SocketLockBackend(SocketLockOptions options) {
        this(options, KEPT_PLACE);
    }

    /** With another kept-place time, for tests that must not depend on a scheduler's timing. */
    SocketLockBackend(SocketLockOptions options, Duration keptPlace) {
        this.options = options;
        this.directory = LockDirectory.prepare(options.directory(), options.sharedGroup(),
                options.directoryPermissions());
        this.contender = new Contender(options, directory, PeerIdentity.of(options.requirePeerSameUser()), arbiters,
                keptPlace);
    }

    @Override
    public String type() {
        return "socket";
    }

    @Override
    public BackendLock acquire(String name, Deadline deadline, LossListener lossListener)
            throws InterruptedException {
        LockNames.validate(name);
        return logged(name, contender.acquire(name, deadline, lossListener));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Waits with no thread: a connection to the arbiter waits in the JVM's one grant loop and
     * keeps its place in the arbiter's queue however long the wait; a place in this backend's own
     * arbiter's queue is handed over by a callback (see {@link AsyncSocketAcquisition}).
     */
    @Override
    public CompletableFuture<BackendLock> acquireAsync(String name, Deadline deadline, LossListener lossListener) {
        LockNames.validate(name);
        AsyncSocketAcquisition acquisition = contender.acquireAsync(name, deadline, lossListener);
        pending.add(acquisition);
        acquisition.whenComplete((lock, ex) -> pending.remove(acquisition));
        acquisition.thenAccept(lock -> logged(name, (SocketHold) lock));
        return acquisition.start();
    }

    private static SocketHold logged(String name, SocketHold hold) {
        if (hold != null) {
            log.debug("Acquired socket lock '{}' as {} (token {})", name,
                    hold instanceof ServerHold ? "server" : "connection", hold.fencingToken());
        }
        return hold;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Exact for a lock whose arbiter is this backend. Otherwise a listening socket counts as
     * held (an arbiter of another process keeps listening for up to 100 ms after its last release),
     * and a socket nobody listens on counts as held while a live grantee holds the sidecar's
     * grantee right (the tombstone of a dead arbiter).
     */
    @Override
    public boolean isLocked(String name) {
        LockPaths paths = directory.paths(LockNames.validate(name));
        Arbiter own = arbiters.get(paths.socket());
        if (own != null) {
            return own.isHeld();
        }
        FileState state = FileState.of(paths.socket());
        if (!state.isSocket()) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            if (probe.connect(UnixDomainSocketAddress.of(paths.socket()))) {
                return true;
            }
        }
        catch (IOException ex) {
            log.trace("Probe of {} failed ({})", paths.socket(), ex.toString());
        }
        return granteeAlive(paths);
    }

    private boolean granteeAlive(LockPaths paths) {
        Sidecar sidecar = directory.sidecar(paths);
        try {
            Sidecar.Right right = sidecar.granteeRight();
            if (!right.tryTake()) {
                return true;
            }
            right.release();
            return false;
        }
        catch (IOException ex) {
            return false;
        }
        finally {
            sidecar.close();
        }
    }

    /**
     * @param name a lock name
     * @return the socket path this backend uses for {@code name}
     */
    public Path socketPath(String name) {
        return directory.paths(LockNames.validate(name)).socket();
    }

    /** @return the arbiter this backend runs for {@code name}, or {@code null}: for tests of its queue's order */
    Arbiter arbiter(String name) {
        return arbiters.get(socketPath(name));
    }

    /** @return how long this backend's waiters spun before they blocked ({@code spinWait}), in all; nanoseconds */
    long spunNanos() {
        return contender.spunNanos();
    }

    @Override
    public BackendStatus status() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backend", type());
        details.put("directory", directory.path().toString());
        details.put("staleSocketPolicy", options.staleSocketPolicy().name());
        return DirectoryCheck.problem(directory.path(), options.sharedGroup(), details)
                .map(problem -> BackendStatus.down(problem, details)).orElseGet(() -> BackendStatus.up(details));
    }

    /**
     * Stops serving: asynchronous acquisitions under way are withdrawn; an arbiter whose own holder
     * still holds hands over first (a complete write of {@code OK}, SL-32); waiting connections are
     * closed and start over elsewhere (SL-35); a socket under a live grantee stays as its tombstone
     * (SL-34).
     */
    @Override
    public void close() {
        LockBackendException closed = new LockBackendException("The socket lock backend is closed");
        pending.forEach(acquisition -> acquisition.completeExceptionally(closed));
        for (Arbiter arbiter : List.copyOf(arbiters.values())) {
            arbiter.shutdown();
        }
    }
}
