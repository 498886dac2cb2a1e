package dev.slocket.socket;

import dev.slocket.LockBackendException;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LossListener;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acquisition state machine of spec §2–§7: ACQUIRE (bind = hold), CONNECT (queue at the
 * arbiter), WATCH (wait for the lock file to change), with stale-socket reclaim through the
 * sidecar rights (SL-37/38), jittered backoff for transient errors (SL-17) and no spinning.
 */
final class Contender {

    private static final Logger log = LoggerFactory.getLogger(Contender.class);

    private final SocketLockOptions options;

    private final LockDirectory directory;

    private final PeerIdentity peers;

    private final SpinWait spin;

    private final GrantWait grants;

    /** This backend's arbiters by socket path. */
    private final Map<Path, Arbiter> arbiters;

    private final Set<PosixFilePermission> socketPermissions;

    private final long keepPlaceNanos;

    Contender(SocketLockOptions options, LockDirectory directory, PeerIdentity peers, Map<Path, Arbiter> arbiters,
            Duration keptPlace) {
        this.options = options;
        this.directory = directory;
        this.peers = peers;
        this.spin = new SpinWait(options.spinWait(), Runtime.getRuntime().availableProcessors());
        this.grants = new GrantWait(peers, spin);
        this.arbiters = arbiters;
        this.socketPermissions = (options.socketPermissions() != null)
                ? PosixFilePermissions.fromString(options.socketPermissions()) : null;
        this.keepPlaceNanos = keptPlace.toNanos();
    }

    /**
     * @return the held lock, or {@code null} once the deadline passed
     */
    SocketHold acquire(String name, Deadline deadline, LossListener lossListener) throws InterruptedException {
        long askedAt = System.nanoTime();
        LockPaths paths = directory.paths(name);
        Sidecar sidecar = openSidecar(paths);
        try {
            Pacing pacing = new Pacing(options);
            boolean attempted = false;
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for lock '" + name + "'");
                }
                if (attempted && deadline.isExpired()) {
                    return null;
                }
                attempted = true;
                Attempt attempt = attempt(name, paths, sidecar, lossListener, true, askedAt);
                if (attempt.next() == Attempt.Next.QUEUED) {
                    attempt = grants.await(attempt.connection(), attempt.seen(), paths, sidecar, deadline,
                            lossListener);
                }
                else if (attempt.next() == Attempt.Next.QUEUED_HERE) {
                    attempt = awaitHere(attempt.arbiter(), attempt.waiter(), deadline, lossListener);
                }
                if (attempt.next() == Attempt.Next.HELD) {
                    return withToken(attempt.hold(), sidecar);
                }
                if (attempt.next() == Attempt.Next.TIMEOUT) {
                    return null;
                }
                Pacing.Pause pause = pacing.after(attempt.next());
                if (pause.untilFileChanges()) {
                    watch(paths, attempt.seen(), deadline, pause.nanos());
                }
                else {
                    pause(pause.nanos(), deadline);
                }
            }
        }
        finally {
            sidecar.close();
        }
    }

    /**
     * Acquires without a thread waiting (see {@link AsyncSocketAcquisition}).
     *
     * @return the pending acquisition; completing or cancelling it withdraws it
     */
    AsyncSocketAcquisition acquireAsync(String name, Deadline deadline, LossListener lossListener) {
        LockPaths paths = directory.paths(name);
        return new AsyncSocketAcquisition(this, name, paths, openSidecar(paths), deadline, lossListener,
                new Pacing(options));
    }

    /** @return how long this backend's waiters spun before blocking, in all (nanoseconds) */
    long spunNanos() {
        return spin.spunNanos();
    }

    /** @return the client side of the protocol */
    GrantWait grants() {
        return grants;
    }

    /** @return the lock directory */
    Path directory() {
        return directory.path();
    }

    /**
     * One ACQUIRE step: hold, queue (at an arbiter of another backend, or at our own), or how to go
     * on; it never waits.
     *
     * @throws LockBackendException on a failure that retrying would not cure
     */
    /**
     * @param threadWaits whether a thread will wait for a hand-off at this backend's own arbiter
     *        (and can watch a grantee ahead of it), or a callback ({@link AsyncSocketAcquisition})
     * @param askedAt {@link System#nanoTime()} when the acquisition began: its place among this
     *        process's waiters at its own arbiter
     */
    Attempt attempt(String name, LockPaths paths, Sidecar sidecar, LossListener lossListener, boolean threadWaits,
            long askedAt) {
        Arbiter own = arbiters.get(paths.socket());
        if (own != null) {
            if (own.holdAgainIfIdle()) {
                return Attempt.held(new ServerHold(own, lossListener));
            }
            LocalWaiter waiter = own.enqueueLocal(threadWaits, askedAt);
            if (waiter != null) {
                return Attempt.queuedHere(own, waiter);
            }
        }
        Sidecar.Right arbiterRight = sidecar.arbiterRight();
        if (!take(arbiterRight, name, paths)) {
            // a live arbiter (here or in another process); if it refuses, it is binding or closing
            FileState seen = FileState.of(paths.socket());
            Attempt connected = connect(name, paths, seen);
            if (connected == null || connected.next() == Attempt.Next.RETRY) {
                return Attempt.then(Attempt.Next.SETTLE, FileState.of(paths.socket()));
            }
            return connected;
        }
        boolean keepRight = false;
        try {
            ServerHold hold = bind(name, paths, sidecar, lossListener);
            if (hold != null) {
                keepRight = true;
                return Attempt.held(hold);
            }
            FileState seen = FileState.of(paths.socket());
            if (seen.kind() == FileState.Kind.MISSING) {
                return Attempt.then(Attempt.Next.RETRY, seen);
            }
            if (!seen.isSocket()) {
                return Attempt.then(Attempt.Next.WATCH, seen);
            }
            Attempt connected = connect(name, paths, seen);
            if (connected != null) {
                return connected;
            }
            if (options.staleSocketPolicy() == StaleSocketPolicy.RECLAIM) {
                Attempt reclaimed = reclaim(name, paths, sidecar, seen, lossListener);
                keepRight = reclaimed.next() == Attempt.Next.HELD;
                return reclaimed;
            }
            return Attempt.then(Attempt.Next.WATCH, seen);
        }
        finally {
            if (!keepRight) {
                arbiterRight.release();
            }
        }
    }

    private Attempt awaitHere(Arbiter arbiter, LocalWaiter waiter, Deadline deadline,
            LossListener lossListener) throws InterruptedException {
        boolean settled = false;
        try {
            LocalWaiter.Outcome outcome = waiter.await(arbiter, deadline, spin);
            settled = outcome != LocalWaiter.Outcome.TIMED_OUT;
            switch (outcome) {
                case GRANTED:
                    return Attempt.held(new ServerHold(arbiter, lossListener));
                case ARBITER_CLOSED:
                    return Attempt.then(Attempt.Next.RETRY, null);
                default:
                    return Attempt.then(Attempt.Next.TIMEOUT, null);
            }
        }
        finally {
            if (!settled) {
                arbiter.withdraw(waiter);
            }
        }
    }

    /** Binds the lock socket; {@code null} if the path is taken. */
    private ServerHold bind(String name, LockPaths paths, Sidecar sidecar, LossListener lossListener) {
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(paths.socket()), options.backlog());
            server.configureBlocking(false);
            FileState bound = FileState.ofBound(paths.socket());
            if (!bound.isSocket()) {
                // removed by someone else the moment it was bound: start over
                closeQuietly(server);
                return null;
            }
            if (socketPermissions != null) {
                Files.setPosixFilePermissions(paths.socket(), socketPermissions);
            }
            Arbiter arbiter = new Arbiter(server, paths, bound, sidecar, peers, options.handoverMode(), keepPlaceNanos,
                    closed -> arbiters.remove(paths.socket(), closed));
            arbiters.put(paths.socket(), arbiter);
            return new ServerHold(arbiter, lossListener);
        }
        catch (BindException ex) {
            closeQuietly(server);
            if (!Files.exists(paths.socket()) && !Files.isWritable(directory.path())) {
                throw failure(name, paths, "server", ex);
            }
            return null;
        }
        catch (IOException ex) {
            closeQuietly(server);
            throw failure(name, paths, "server", ex);
        }
    }

    /** Connects to the lock path; {@code null} if the connection was refused (no listener). */
    private Attempt connect(String name, LockPaths paths, FileState seen) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.configureBlocking(false);
            if (channel.connect(UnixDomainSocketAddress.of(paths.socket()))) {
                return Attempt.queued(channel, seen);
            }
            closeQuietly(channel);
            return Attempt.then(Attempt.Next.BACKOFF, seen);
        }
        catch (ConnectException ex) {
            closeQuietly(channel);
            FileState now = FileState.of(paths.socket());
            if (now.kind() == FileState.Kind.MISSING) {
                return Attempt.then(Attempt.Next.RETRY, now);
            }
            return now.isSocket() ? null : Attempt.then(Attempt.Next.WATCH, now);
        }
        catch (IOException ex) {
            closeQuietly(channel);
            FileState now = FileState.of(paths.socket());
            if (now.kind() == FileState.Kind.MISSING) {
                return Attempt.then(Attempt.Next.RETRY, now);
            }
            if (!now.isSocket()) {
                return Attempt.then(Attempt.Next.WATCH, now);
            }
            if (deniesWrite(paths.socket()) && now.isStillAt(paths.socket())) {
                // EACCES: the socket belongs to someone whose socket we may not use
                throw failure(name, paths, "connection", ex);
            }
            // ECONNRESET, EAGAIN (backlog full), EPIPE: transient (SL-17)
            return Attempt.then(Attempt.Next.BACKOFF, now);
        }
    }

    private Attempt reclaim(String name, LockPaths paths, Sidecar sidecar, FileState seen,
            LossListener lossListener) {
        Sidecar.Right granteeRight = sidecar.granteeRight();
        if (!take(granteeRight, name, paths)) {
            return Attempt.then(Attempt.Next.WATCH, seen);
        }
        try {
            if (!seen.deleteIfStillAt(paths.socket())) {
                return Attempt.then(Attempt.Next.RETRY, seen);
            }
            log.info("Reclaimed stale lock socket {}: its owner died without cleaning up", paths.socket());
            ServerHold hold = bind(name, paths, sidecar, lossListener);
            return (hold != null) ? Attempt.held(hold) : Attempt.then(Attempt.Next.RETRY, seen);
        }
        finally {
            granteeRight.release();
        }
    }

    private void watch(LockPaths paths, FileState seen, Deadline deadline, long atMostNanos)
            throws InterruptedException {
        long pollNanos = Math.min(atMostNanos, deadline.remainingNanos());
        if (pollNanos <= 0) {
            return;
        }
        DirectoryWatch.await(directory.path(), paths.socketFileName(), pollNanos,
                () -> !seen.isStillAt(paths.socket()));
    }

    private static void pause(long nanos, Deadline deadline) throws InterruptedException {
        long wait = Math.min(nanos, deadline.remainingNanos());
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /**
     * Gives a new hold its fencing token and has the {@link LossMonitor} watch it.
     *
     * @return {@code hold}; released if the token cannot be had
     */
    SocketHold withToken(SocketHold hold, Sidecar sidecar) {
        // the counter file's channel must not see an interrupt, or it would be closed mid-update
        boolean interrupted = Thread.interrupted();
        try {
            hold.setToken(sidecar.nextToken());
        }
        catch (RuntimeException ex) {
            hold.release();
            throw ex;
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        LossMonitor.watch(hold);
        return hold;
    }

    private Sidecar openSidecar(LockPaths paths) {
        return directory.sidecar(paths);
    }

    private static boolean take(Sidecar.Right right, String name, LockPaths paths) {
        try {
            return right.tryTake();
        }
        catch (IOException ex) {
            throw failure(name, paths, "server", ex);
        }
    }

    /** @return whether we may not write to {@code socket}; not for a socket that vanished meanwhile */
    private static boolean deniesWrite(Path socket) {
        try {
            socket.getFileSystem().provider().checkAccess(socket, AccessMode.WRITE);
            return false;
        }
        catch (AccessDeniedException ex) {
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

    private static LockBackendException failure(String name, LockPaths paths, String phase, IOException ex) {
        return new LockBackendException("Socket lock '" + name + "' at " + paths.socket() + " failed in phase " + phase
                + ": " + ex.getMessage(), ex);
    }

    private static void closeQuietly(java.io.Closeable channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        }
        catch (IOException ex) {
            log.trace("Close failed", ex);
        }
    }
}
