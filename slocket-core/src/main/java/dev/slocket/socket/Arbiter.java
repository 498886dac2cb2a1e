package dev.slocket.socket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * delays only an acquisition of this process that follows its own release within that moment. In
 * the same way this process keeps its place for a moment when it hands over, so that a thread of it
 * that comes back a little late is not overtaken by the grantee's process looping.
 *
 * <p>All state is guarded by {@link #lock}, never a monitor, so that a virtual thread that accepts
 * or grants here does not pin its carrier. The releasing thread grants directly, so a handover is
 * one message; the {@link ArbiterLoop} serves the arbiter only once it has connections to watch.
 * A handover wakes no thread but the next holder's where it can: a grantee's release is noticed by
 * the local waiter next in line if there is one, by the loop at once if a connection waits, and
 * otherwise by the loop's next wake-up, at most {@link #LINGER_NANOS} later.
 */
final class Arbiter {

    private static final Logger log = LoggerFactory.getLogger(Arbiter.class);

    private static final byte[] GRANT = "OK".getBytes(StandardCharsets.US_ASCII);

    /**
     * How long an arbiter that has served others keeps listening once the lock is free, so that
     * processes taking turns keep queueing at it instead of racing to bind.
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ReentrantLock lock = new ReentrantLock();

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

    /** The loop's registration of the grantee's connection, if the loop watches it. */
    private SelectionKey granteeKey;

    /** Whether the loop already watches through {@link #granteeKey} (it woke, or registered it itself). */
    private boolean granteeKeyLive;

    /** Whether a check that the loop watches an unwatched grantee is scheduled. */
    private boolean sweepScheduled;

    /** The kept place whose expiry is scheduled, if any. */
    private KeptPlace expiryScheduled;

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

    /**
     * @return whether this process or a grantee holds the lock through this arbiter; a grantee whose
     *         release nobody noticed yet is asked
     */
    boolean isHeld() {
        lock.lock();
        try {
            if (grantee != null && !isOpen(grantee)) {
                granteeLeft();
            }
            return !closed && (selfHolds || grantee != null);
        }
        finally {
            lock.unlock();
        }
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
    boolean releaseSelf() {
        lock.lock();
        try {
            if (!selfHolds || closed) {
                return false;
            }
            selfHolds = false;
            selfReleasedAt = System.nanoTime();
            if (mode == HandoverMode.RACE) {
                close(true);
                return false;
            }
            // a connection first in line came before anything still in the backlog: granted at once
            grantConnectionFirstInLine();
            // waiters in the backlog come before this process's kept place, and before anyone local
            // if nobody was granted, whether or not the loop has accepted them yet
            acceptBacklog();
            handOver();
            if (grantee == null) {
                return false;
            }
            queue.keepPlaceHere(selfReleasedAt, selfReleasedAt + keepPlaceNanos);
            return true;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * This process's own holder takes the lock again without a round trip through its socket,
     * if the arbiter is idle: nobody holds it and nobody waits, not even in the backlog, or the place
     * this process kept when it handed over comes first.
     *
     * @return whether the lock is now held by this arbiter's own holder
     */
    boolean holdAgainIfIdle() {
        lock.lock();
        try {
            if (closed || selfHolds || grantee != null || mode == HandoverMode.RACE) {
                return false;
            }
            acceptPending();
            keepPlaceOnlyForALoop();
            if (!queue.takeKeptPlaceHereIfFirst(System.nanoTime()) && !queue.isEmpty()) {
                handOver();
                return false;
            }
            selfHolds = true;
            return true;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Queues a thread of this process behind everyone already waiting when it asked.
     *
     * @param askedAt {@link System#nanoTime()} when its acquisition began
     * @return the waiter, or {@code null} if this arbiter cannot take it (closed, or race mode)
     */
    LocalWaiter enqueueLocal(boolean threadWaits, long askedAt) {
        lock.lock();
        try {
            if (closed || mode == HandoverMode.RACE) {
                return null;
            }
            acceptPending();
            keepPlaceOnlyForALoop();
            LocalWaiter waiter = new LocalWaiter(threadWaits);
            queue.addLocal(waiter, System.nanoTime(), askedAt);
            handOver();
            return waiter;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * A local waiter gives up (deadline or interrupt). If it was granted meanwhile, the lock is
     * passed on, so a withdrawn waiter never leaves it held (SL-30).
     */
    void withdraw(LocalWaiter waiter) {
        lock.lock();
        try {
            if (queue.remove(waiter)) {
                arrangeGranteeWatch();
            }
            else if (waiter.isGranted() && selfHolds) {
                releaseSelf();
            }
        }
        finally {
            lock.unlock();
        }
    }

    /** Our lock was taken away (the socket file vanished or was replaced): drop everything, delete nothing. */
    void abandon() {
        lock.lock();
        try {
            selfHolds = false;
            close(false);
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * The backend closes: stop listening and disconnect the waiters (they start over, SL-15). A
     * socket file under a live grantee stays as its tombstone (SL-34); otherwise it is removed.
     */
    void shutdown() {
        lock.lock();
        try {
            if (selfHolds) {
                releaseSelf();
            }
            close(true);
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * @return the remote grantee's connection if {@code waiter} is next in line; the waiter then
     *         notices the release itself (one wake-up) and the loop stops watching it
     */
    SocketChannel granteeAheadOf(LocalWaiter waiter) {
        lock.lock();
        try {
            if (closed || grantee == null || queue.peek() != waiter) {
                return null;
            }
            loopStopsWatchingGrantee();
            return grantee;
        }
        finally {
            lock.unlock();
        }
    }

    /** The local waiter next in line cannot watch {@code watched} itself: the loop watches it at once. */
    void loopWatches(SocketChannel watched) {
        lock.lock();
        try {
            if (!closed && watched == grantee) {
                loopWatchesGrantee();
            }
        }
        finally {
            lock.unlock();
        }
    }

    /** A connection turned readable: data is ignored; a closed grantee's connection releases. */
    void connectionReady(SocketChannel client) {
        lock.lock();
        try {
            if (closed || client != grantee || isOpen(client)) {
                return;
            }
            granteeLeft();
        }
        finally {
            lock.unlock();
        }
    }

    private void granteeLeft() {
        noteGranteeLeft();
        handOver();
    }

    private void noteGranteeLeft() {
        closeQuietly(grantee);
        grantee = null;
        granteeKey = null;
        granteeKeyLive = false;
        keepPlace();
    }

    /** Callers hand over afterwards. */
    private void acceptPending() {
        if (grantee != null && !isOpen(grantee)) {
            // its release came first: its place is kept before its process's next connection is queued
            noteGranteeLeft();
        }
        acceptBacklog();
    }

    private void acceptBacklog() {
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

    /**
     * Queues a connection. A queued connection that closes is dropped when its turn comes (its grant
     * fails, SL-24), so waiting connections cost the loop nothing.
     */
    private void admit(SocketChannel client) {
        if (!peers.accepts(client)) {
            log.warn("Lock socket {}: dropped a connection from a process of another user", paths.socket());
            closeQuietly(client);
            return;
        }
        queue.addConnection(client, System.nanoTime());
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
                becomeGrantee((SocketChannel) next);
            }
        }
        if (grantee == null && !selfHolds && !queue.isEmpty()) {
            // a kept place comes first: the lock stays free until it is taken or expires
            scheduleExpiry();
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
        else {
            arrangeGranteeWatch();
        }
    }

    /** Grants the first in line if it is a connection (the arbiter's own holder just released). */
    private void grantConnectionFirstInLine() {
        if (queue.peek() instanceof SocketChannel first) {
            queue.remove(first);
            if (grant(first)) {
                becomeGrantee(first);
            }
        }
    }

    private void becomeGrantee(SocketChannel client) {
        grantee = client;
        if (queue.peek() instanceof LocalWaiter local) {
            local.nudge();
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

    /** On the loop thread: accept newcomers from now on, and watch the grantee if nobody else does. */
    private void serve() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            ArbiterLoop.get().register(server, SelectionKey.OP_ACCEPT, key -> acceptReady());
            arrangeGranteeWatch();
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Decides who notices the grantee's release: the local waiter next in line watches it itself
     * (see {@link #granteeAheadOf}); otherwise the loop, at once if anyone waits (a kept place is
     * nobody yet), and if nobody waits, by its next wake-up: a newcomer's, or the sweep's.
     */
    private void arrangeGranteeWatch() {
        if (grantee == null || !served || closed || nextWatchesGrantee()) {
            return;
        }
        if (queue.hasWaiter()) {
            loopWatchesGrantee();
        }
        else if (!sweepScheduled && (granteeKey == null || !granteeKeyLive)) {
            sweepScheduled = true;
            ArbiterLoop.get().schedule(this::sweep, LINGER_NANOS);
        }
    }

    /** @return whether the next in line is a thread of this process that watches the grantee itself */
    private boolean nextWatchesGrantee() {
        return queue.peek() instanceof LocalWaiter local && local.threadWaits();
    }

    private void sweep() {
        lock.lock();
        try {
            sweepScheduled = false;
            if (!closed && grantee != null && !nextWatchesGrantee()) {
                loopWatchesGrantee();
            }
        }
        finally {
            lock.unlock();
        }
    }

    /** The loop watches the grantee from now on: registered here, and woken unless this is the loop thread. */
    private void loopWatchesGrantee() {
        ArbiterLoop loop = ArbiterLoop.get();
        SocketChannel watched = grantee;
        if (granteeKey == null) {
            try {
                watched.configureBlocking(false);
            }
            catch (IOException ex) {
                log.debug("Cannot watch the grantee of {} ({})", paths.socket(), ex.toString());
                return;
            }
            granteeKey = loop.register(watched, SelectionKey.OP_READ, key -> connectionReady(watched));
            if (granteeKey == null) {
                return;
            }
        }
        else if (granteeKey.isValid()) {
            granteeKey.interestOps(SelectionKey.OP_READ);
        }
        if (!granteeKeyLive && !loop.isLoopThread()) {
            loop.wakeup();
        }
        granteeKeyLive = true;
    }

    /** The local waiter next in line watches the grantee: the loop stops, without being woken for that. */
    private void loopStopsWatchingGrantee() {
        if (granteeKey != null && granteeKey.isValid()) {
            granteeKey.interestOps(0);
        }
        granteeKeyLive = false;
    }

    private void closeIfStillIdle() {
        lock.lock();
        try {
            if (!closed && grantee == null && !selfHolds && queue.isEmpty()
                    && System.nanoTime() - idleSince >= LINGER_NANOS) {
                close(true);
            }
        }
        finally {
            lock.unlock();
        }
    }

    private void acceptReady() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            acceptPending();
            handOver();
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * A kept place delays only this process's own next acquisition when it released moments ago
     * (it loops): a thread that comes later, or the first time, must not wait for a process that
     * may never come back.
     */
    private void keepPlaceOnlyForALoop() {
        if (queue.keptPlace() != null && System.nanoTime() - selfReleasedAt >= keepPlaceNanos) {
            queue.dropKeptPlace();
        }
    }

    /**
     * Keeps a place at the back of the queue for the grantee that just left (see {@link KeptPlace}).
     * The expiry of a place needs a timer only once the place stands first with the lock free.
     */
    private void keepPlace() {
        long now = System.nanoTime();
        queue.keepPlace(now, now + keepPlaceNanos);
    }

    private void scheduleExpiry() {
        KeptPlace kept = queue.keptPlaceFirst();
        if (kept != null && kept != expiryScheduled) {
            expiryScheduled = kept;
            ArbiterLoop.get().schedule(this::keptPlaceExpired, Math.max(0, kept.expiresAt() - System.nanoTime()));
        }
    }

    private void keptPlaceExpired() {
        lock.lock();
        try {
            if (!closed) {
                // the process may have reconnected while the loop thread was kept from accepting
                acceptPending();
                handOver();
            }
        }
        finally {
            lock.unlock();
        }
    }

    /** Reads (and ignores) what a client sent; {@code false} once the connection is closed. */
    private static boolean isOpen(SocketChannel client) {
        ByteBuffer sink = ByteBuffer.allocate(64);
        try {
            client.configureBlocking(false);
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
