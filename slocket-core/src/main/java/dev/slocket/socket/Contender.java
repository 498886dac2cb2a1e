package dev.slocket.socket;

import dev.slocket.LockBackendException;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.FencingCounterFile;
import dev.slocket.spi.LossListener;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acquisition state machine of spec §2–§7: ACQUIRE (bind = hold), CONNECT (queue at the
 * arbiter), WATCH (wait for the lock file to change), with stale-socket reclaim through the
 * sidecar rights (SL-37/38), jittered backoff for transient errors (SL-17) and no spinning.
 */
final class Contender {

    private static final Logger log = LoggerFactory.getLogger(Contender.class);

    private static final int RETRIES_BEFORE_BACKOFF = 3;

    private final SocketLockOptions options;

    private final LockDirectory directory;

    private final PeerIdentity peers;

    private final GrantWait grants;

    private final Consumer<Arbiter> arbiterOpened;

    private final Consumer<Arbiter> arbiterClosed;

    Contender(SocketLockOptions options, LockDirectory directory, PeerIdentity peers,
            Consumer<Arbiter> arbiterOpened, Consumer<Arbiter> arbiterClosed) {
        this.options = options;
        this.directory = directory;
        this.peers = peers;
        this.grants = new GrantWait(peers);
        this.arbiterOpened = arbiterOpened;
        this.arbiterClosed = arbiterClosed;
    }

    /**
     * @return the held lock, or {@code null} once the deadline passed
     */
    SocketHold acquire(String name, Deadline deadline, LossListener lossListener) throws InterruptedException {
        LockPaths paths = directory.paths(name);
        Sidecar sidecar = openSidecar(name, paths);
        try {
            Backoff backoff = new Backoff(options.reconnectBackoffMin(), options.reconnectBackoffMax());
            int retries = 0;
            boolean attempted = false;
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for lock '" + name + "'");
                }
                if (attempted && deadline.isExpired()) {
                    return null;
                }
                attempted = true;
                Attempt attempt = attempt(name, paths, sidecar, lossListener);
                if (attempt.next() == Attempt.Next.QUEUED) {
                    attempt = grants.await(attempt.connection(), attempt.seen(), paths, sidecar, deadline,
                            lossListener);
                }
                switch (attempt.next()) {
                    case HELD:
                        return withToken(attempt.hold(), paths);
                    case TIMEOUT:
                        return null;
                    case RETRY:
                        if (++retries % RETRIES_BEFORE_BACKOFF == 0) {
                            pause(backoff.nextNanos(), deadline);
                        }
                        break;
                    case BACKOFF:
                        pause(backoff.nextNanos(), deadline);
                        break;
                    case WATCH:
                        backoff.reset();
                        watch(paths, attempt.seen(), deadline);
                        break;
                    default:
                        throw new IllegalStateException("unexpected step " + attempt.next());
                }
            }
        }
        finally {
            sidecar.close();
        }
    }

    private Attempt attempt(String name, LockPaths paths, Sidecar sidecar, LossListener lossListener) {
        Sidecar.Right arbiterRight = sidecar.arbiterRight();
        if (!take(arbiterRight, name, paths)) {
            // a live arbiter (here or in another process); if it refuses, it is binding or closing
            FileState seen = FileState.of(paths.socket());
            Attempt connected = connect(name, paths, seen);
            return (connected != null) ? connected : Attempt.then(Attempt.Next.BACKOFF, seen);
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

    /** Binds the lock socket; {@code null} if the path is taken. */
    private ServerHold bind(String name, LockPaths paths, Sidecar sidecar, LossListener lossListener) {
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(paths.socket()), options.backlog());
            server.configureBlocking(false);
            FileState bound = FileState.of(paths.socket());
            if (options.socketPermissions() != null) {
                Files.setPosixFilePermissions(paths.socket(), PosixFilePermissions.fromString(options.socketPermissions()));
            }
            Arbiter arbiter = new Arbiter(server, paths, bound, sidecar, peers, options.handoverMode(), arbiterClosed);
            arbiterOpened.accept(arbiter);
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
            if (!Files.isWritable(paths.socket())) {
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

    private void watch(LockPaths paths, FileState seen, Deadline deadline) throws InterruptedException {
        long pollNanos = Math.min(options.watchPollInterval().toNanos(), deadline.remainingNanos());
        if (pollNanos <= 0) {
            return;
        }
        DirectoryWatch.of(directory.path())
                .await(paths.socketFileName(), pollNanos, () -> !seen.isStillAt(paths.socket()));
    }

    private static void pause(long nanos, Deadline deadline) throws InterruptedException {
        long wait = Math.min(nanos, deadline.remainingNanos());
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static SocketHold withToken(SocketHold hold, LockPaths paths) {
        // the counter file's channel must not see an interrupt, or it would be closed mid-update
        boolean interrupted = Thread.interrupted();
        try {
            hold.setToken(FencingCounterFile.next(paths.token()));
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

    private Sidecar openSidecar(String name, LockPaths paths) {
        try {
            return Sidecar.open(paths.sidecar());
        }
        catch (IOException ex) {
            throw failure(name, paths, "server", ex);
        }
    }

    private static boolean take(Sidecar.Right right, String name, LockPaths paths) {
        try {
            return right.tryTake();
        }
        catch (IOException ex) {
            throw failure(name, paths, "server", ex);
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
