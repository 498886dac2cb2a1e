package dev.slocket.socket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket of a lock and the role that comes with it (SL-20..SL-26): while its own
 * holder holds, newcomers wait in the kernel backlog and then in a FIFO queue; on release the
 * longest waiter gets {@code OK} in one write; the arbiter keeps serving while it has a grantee or
 * waiters, lingers briefly once it has served others, and then closes, unlinking its own socket
 * file.
 *
 * <p>First come, first served across processes: every release and every acquisition of this
 * process first accepts the connections waiting in the backlog, so they queue ahead of it. A grantee
 * of another process that releases keeps a place at the back of the queue for a moment
 * ({@link KeptPlace}): a process that loops on the lock needs that moment to reconnect, and without
 * the place this process, looping too, would take the lock again and again meanwhile. The place
 * delays only an acquisition of this process that follows its own release within that moment.
 *
 * <p>All state is guarded by {@code this}. The releasing thread grants directly, so a handover is
 * one message; the {@link ArbiterLoop} serves the arbiter only once it has connections to watch.
 */
final class Arbiter {

    private static final Logger log = LoggerFactory.getLogger(Arbiter.class);

    private static final byte[] GRANT = "OK".getBytes(StandardCharsets.US_ASCII);

    /**
     * How long an arbiter that has served others keeps listening once the lock is free, so that
     * processes taking turns keep queueing at it instead of racing to bind.
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ServerSocketChannel server;

    private final LockPaths paths;

    private final FileState bound;

    private final Sidecar sidecar;

    private final PeerIdentity peers;

    private final HandoverMode mode;

    private final Consumer<Arbiter> onClosed;

    /** How long a place is kept for a grantee that released, and what counts as this process looping. */
    private final long keepPlaceNanos;

    private final WaitQueue queue = new WaitQueue();

    private SocketChannel grantee;

    private boolean selfHolds = true;

    private boolean served;

    private boolean closed;

    private long idleSince;

    /** When this process's own holder last released, to tell a loop from a newcomer. */
    private long selfReleasedAt;

    /**
     * @param server the bound, listening, non-blocking server channel
     * @param bound the socket file as it was right after the bind
     * @param sidecar the sidecar whose arbiter right the caller holds; this arbiter keeps a reference
     * @param keepPlaceNanos how long a grantee that released keeps its place ({@link KeptPlace})
     */
    Arbiter(ServerSocketChannel server, LockPaths paths, FileState bound, Sidecar sidecar, PeerIdentity peers,
            HandoverMode mode, long keepPlaceNanos, Consumer<Arbiter> onClosed) {
        this.server = server;
        this.paths = paths;
        this.bound = bound;
        this.sidecar = sidecar.retain();
        this.peers = peers;
        this.mode = mode;
        this.keepPlaceNanos = keepPlaceNanos;
        this.onClosed = onClosed;
    }

    /** @return whether this process or a grantee holds the lock through this arbiter */
    synchronized boolean isHeld() {
        return !closed && (selfHolds || grantee != null);
    }

    /** @return the socket file this arbiter bound */
    FileState bound() {
        return bound;
    }

    /** @return the lock's files */
    LockPaths paths() {
        return paths;
    }

    /**
     * The arbiter's own holder releases: grant the longest waiter (a blocking-complete write of
     * {@code OK} before this returns, SL-32) or close. Idempotent.
     *
     * @return whether a waiter in another process now holds the lock
     */
    synchronized boolean releaseSelf() {
        if (!selfHolds || closed) {
            return false;
        }
        selfHolds = false;
        selfReleasedAt = System.nanoTime();
        if (mode == HandoverMode.RACE) {
            close(true);
            return false;
        }
        // waiters in the backlog come first, whether or not the loop has accepted them yet
        acceptPending();
        handOver();
        return grantee != null;
    }

    /**
     * This process's own holder takes the lock again without a round trip through its socket,
     * if the arbiter is idle: nobody holds it and nobody waits, not even in the backlog.
     *
     * @return whether the lock is now held by this arbiter's own holder
     */
    synchronized boolean holdAgainIfIdle() {
        if (closed || selfHolds || grantee != null || mode == HandoverMode.RACE) {
            return false;
        }
        acceptPending();
        keepPlaceOnlyForALoop();
        if (!queue.isEmpty()) {
            handOver();
            return false;
        }
        selfHolds = true;
        return true;
    }

    /**
     * Queues a thread of this process behind everyone already waiting.
     *
     * @return the waiter, or {@code null} if this arbiter cannot take it (closed, or race mode)
     */
    synchronized LocalWaiter enqueueLocal() {
        if (closed || mode == HandoverMode.RACE) {
            return null;
        }
        acceptPending();
        keepPlaceOnlyForALoop();
        LocalWaiter waiter = new LocalWaiter();
        queue.addLocal(waiter);
        handOver();
        return waiter;
    }

    /**
     * A local waiter gives up (deadline or interrupt). If it was granted meanwhile, the lock is
     * passed on, so a withdrawn waiter never leaves it held (SL-30).
     */
    synchronized void withdraw(LocalWaiter waiter) {
        if (queue.remove(waiter)) {
            return;
        }
        if (waiter.isGranted() && selfHolds) {
            releaseSelf();
        }
    }

    /** Our lock was taken away (the socket file vanished or was replaced): drop everything, delete nothing. */
    synchronized void abandon() {
        selfHolds = false;
        close(false);
    }

    /**
     * The backend closes: stop listening and disconnect the waiters (they start over, SL-15). A
     * socket file under a live grantee stays as its tombstone (SL-34); otherwise it is removed.
     */
    synchronized void shutdown() {
        if (selfHolds) {
            releaseSelf();
        }
        close(true);
    }

    private void acceptPending() {
        while (true) {
            SocketChannel client;
            try {
                client = server.accept();
            }
            catch (IOException ex) {
                log.warn("Accept on lock socket {} failed ({}); the arbiter keeps serving", paths.socket(),
                        ex.toString());
                return;
            }
            if (client == null) {
                return;
            }
            admit(client);
        }
    }

    private void admit(SocketChannel client) {
        if (!peers.accepts(client)) {
            log.warn("Lock socket {}: dropped a connection from a process of another user", paths.socket());
            closeQuietly(client);
            return;
        }
        queue.addConnection(client, System.nanoTime());
        if (served) {
            // registration must happen on the loop thread, or its selector would not see the channel
            ArbiterLoop.get().execute(() -> watchIfWaiting(client));
        }
    }

    private synchronized void watchIfWaiting(SocketChannel client) {
        if (!closed && (client == grantee || queue.contains(client))) {
            watch(ArbiterLoop.get(), client);
        }
    }

    /** Has the loop notice when {@code client} closes; on the loop thread only. */
    private void watch(ArbiterLoop loop, SocketChannel client) {
        try {
            client.configureBlocking(false);
            loop.register(client, SelectionKey.OP_READ, key -> connectionReady(client));
        }
        catch (IOException ex) {
            log.debug("Cannot watch a connection to {} ({})", paths.socket(), ex.toString());
        }
    }

    private void handOver() {
        while (grantee == null && !selfHolds) {
            Object next = queue.next(System.nanoTime());
            if (next == null) {
                break;
            }
            if (next instanceof LocalWaiter local) {
                selfHolds = local.grant();
            }
            else if (grant((SocketChannel) next)) {
                grantee = (SocketChannel) next;
                if (queue.peek() instanceof LocalWaiter local) {
                    local.nudge();
                }
            }
        }
        if (grantee == null && !selfHolds && !queue.isEmpty()) {
            // a kept place comes first: the lock stays free until it is taken or expires
            return;
        }
        if (grantee == null && !selfHolds && !served) {
            close(true);
        }
        else if (grantee == null && !selfHolds) {
            idleSince = System.nanoTime();
            ArbiterLoop.get().schedule(this::closeIfStillIdle, LINGER_NANOS);
        }
        else if (!served) {
            served = true;
            ArbiterLoop.get().execute(this::serve);
        }
    }

    private boolean grant(SocketChannel client) {
        try {
            ByteBuffer grant = ByteBuffer.wrap(GRANT);
            client.write(grant);
            if (!grant.hasRemaining()) {
                return true;
            }
        }
        catch (IOException ex) {
            log.debug("Waiter on {} left before its grant ({})", paths.socket(), ex.toString());
        }
        closeQuietly(client);
        return false;
    }

    private synchronized void serve() {
        if (closed) {
            return;
        }
        ArbiterLoop loop = ArbiterLoop.get();
        loop.register(server, SelectionKey.OP_ACCEPT, key -> acceptReady());
        if (grantee != null) {
            watch(loop, grantee);
        }
        for (SocketChannel client : queue.connections()) {
            watch(loop, client);
        }
    }

    private synchronized void closeIfStillIdle() {
        if (!closed && grantee == null && !selfHolds && queue.isEmpty()
                && System.nanoTime() - idleSince >= LINGER_NANOS) {
            close(true);
        }
    }

    private synchronized void acceptReady() {
        if (closed) {
            return;
        }
        acceptPending();
        handOver();
    }

    /**
     * @return the remote grantee's connection if {@code waiter} is next in line, so that waiter can
     *         notice the release itself (one wake-up) instead of being woken by the loop thread
     */
    synchronized SocketChannel granteeAheadOf(LocalWaiter waiter) {
        return (!closed && grantee != null && queue.peek() == waiter) ? grantee : null;
    }

    /**
     * A local waiter watches {@code watched} itself: the loop stops watching it, so its release
     * wakes one thread, not two that compete for the CPU and this arbiter's monitor.
     */
    void loopIgnores(SocketChannel watched) {
        ArbiterLoop loop = ArbiterLoop.get();
        loop.execute(() -> loop.interest(watched, 0));
    }

    /** The local waiter stopped watching {@code watched} without taking the lock: the loop watches it again. */
    void loopWatchesAgain(SocketChannel watched) {
        ArbiterLoop loop = ArbiterLoop.get();
        loop.execute(() -> {
            synchronized (this) {
                if (!closed && (watched == grantee || queue.contains(watched))) {
                    loop.interest(watched, SelectionKey.OP_READ);
                }
            }
        });
    }

    /** A connection turned readable: data is ignored; a closed one leaves, and a grantee's releases. */
    synchronized void connectionReady(SocketChannel client) {
        if (closed || isOpen(client)) {
            return;
        }
        closeQuietly(client);
        if (client == grantee) {
            grantee = null;
            keepPlace();
            handOver();
        }
        else {
            queue.remove(client);
        }
    }

    /**
     * A kept place delays only this process's own next acquisition when it released moments ago
     * (it loops): a thread that comes later, or the first time, must not wait for a process that
     * may never come back.
     */
    private void keepPlaceOnlyForALoop() {
        if (queue.hasKeptPlace() && System.nanoTime() - selfReleasedAt >= keepPlaceNanos) {
            queue.dropKeptPlace();
        }
    }

    /** Keeps a place at the back of the queue for the grantee that just left (see {@link KeptPlace}). */
    private void keepPlace() {
        queue.keepPlace(System.nanoTime() + keepPlaceNanos);
        ArbiterLoop.get().schedule(this::keptPlaceExpired, keepPlaceNanos);
    }

    private synchronized void keptPlaceExpired() {
        if (!closed) {
            // the process may have reconnected while the loop thread was kept from accepting
            acceptPending();
            handOver();
        }
    }

    /** Reads (and ignores) what a client sent; {@code false} once the connection is closed. */
    private static boolean isOpen(SocketChannel client) {
        ByteBuffer sink = ByteBuffer.allocate(64);
        try {
            return client.read(sink) >= 0;
        }
        catch (IOException ex) {
            return false;
        }
    }

    private void close(boolean deleteOwnFile) {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(server);
        for (Object waiter : queue.drain()) {
            if (waiter instanceof LocalWaiter local) {
                local.cancel();
            }
            else {
                disconnect((SocketChannel) waiter);
            }
        }
        boolean tombstone = grantee != null && grantee.isOpen();
        if (grantee != null) {
            disconnect(grantee);
            grantee = null;
        }
        if (deleteOwnFile && !tombstone) {
            bound.deleteIfStillAt(paths.socket());
        }
        sidecar.arbiterRight().release();
        sidecar.close();
        if (served) {
            ArbiterLoop.get().wakeup();
        }
        onClosed.accept(this);
        log.debug("Closed arbiter of {}{}", paths.socket(), tombstone ? " (left as tombstone for its grantee)" : "");
    }

    /**
     * Closes a client connection so that the peer sees it at once: the close of a channel registered
     * with the loop's selector is deferred until the loop runs again, which may be never at JVM exit.
     */
    private static void disconnect(SocketChannel client) {
        try {
            client.shutdownOutput();
        }
        catch (IOException ex) {
            log.trace("Shutdown failed", ex);
        }
        closeQuietly(client);
    }

    private static void closeQuietly(java.io.Closeable channel) {
        try {
            channel.close();
        }
        catch (IOException ex) {
            log.trace("Close failed", ex);
        }
    }
}
