package dev.slocket.socket;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LossListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An acquisition of a socket lock that waits without a thread: the protocol of
 * {@link Contender#acquire}, one step at a time on the {@link GrantLoop}. Queued at an arbiter of
 * another process or backend, its connection waits in the loop's selector for {@code OK}, so it
 * keeps its place in that arbiter's queue for the whole wait; queued at this backend's own arbiter,
 * its {@link LocalWaiter} calls it back when handed the lock. A grant is confirmed as the blocking
 * path does it, with the grantee right retried by timer; WATCH and SETTLE wait for a
 * {@link DirectoryWatch} event or the poll, backoff for a timer.
 *
 * <p>Every step runs on the loop thread, so the fields need no lock. Completing the future
 * (cancel, deadline, the backend's close) withdraws the acquisition there: its connection closes
 * (the arbiter skips it), its local waiter leaves the queue, and a lock obtained afterwards is
 * released at once (SL-30).
 */
final class AsyncSocketAcquisition extends CompletableFuture<BackendLock> {

    private static final Logger log = LoggerFactory.getLogger(AsyncSocketAcquisition.class);

    private final Contender contender;

    private final String name;

    private final LockPaths paths;

    private final Sidecar sidecar;

    private final Deadline deadline;

    /** {@link System#nanoTime()} when this acquisition began. */
    private final long askedAt = System.nanoTime();

    private final LossListener lossListener;

    private final Pacing pacing;

    private final GrantLoop loop = GrantLoop.get();

    /** The connection to an arbiter: waiting for {@code OK}, or granted and being confirmed. */
    private SocketChannel connection;

    /** The registration of {@link #connection} while it waits for {@code OK}. */
    private SelectionKey waiting;

    /** What the arbiter sent on {@link #connection} (SL-12). */
    private ByteBuffer received;

    private FileState seen;

    private Arbiter arbiter;

    /** Our place in {@link #arbiter}'s queue, this backend's own. */
    private LocalWaiter waiter;

    /** Counts pauses, so that an event or timer of an earlier pause starts nothing. */
    private int pauses;

    private boolean pausing;

    private DirectoryWatch.Subscription watch;

    private Future<?> resumption;

    private Future<?> deadlineTimer;

    /**
     * @param sidecar a reference of the lock's sidecar, closed when this acquisition ends
     */
    AsyncSocketAcquisition(Contender contender, String name, LockPaths paths, Sidecar sidecar, Deadline deadline,
            LossListener lossListener, Pacing pacing) {
        this.contender = contender;
        this.name = name;
        this.paths = paths;
        this.sidecar = sidecar;
        this.deadline = deadline;
        this.lossListener = lossListener;
        this.pacing = pacing;
    }

    /** Makes the first attempt soon, and has the acquisition withdrawn once the future completes. */
    AsyncSocketAcquisition start() {
        whenComplete((lock, ex) -> loop.execute(this::withdraw));
        loop.execute(this::attempt);
        return this;
    }

    private void attempt() {
        if (isDone()) {
            return;
        }
        Attempt attempt;
        try {
            attempt = contender.attempt(name, paths, sidecar, lossListener, false, askedAt);
        }
        catch (RuntimeException ex) {
            completeExceptionally(ex);
            return;
        }
        switch (attempt.next()) {
            case HELD -> take(attempt.hold());
            case QUEUED -> awaitGrant(attempt.connection(), attempt.seen());
            case QUEUED_HERE -> awaitHandOff(attempt.arbiter(), attempt.waiter());
            default -> pause(attempt.next(), attempt.seen());
        }
        if (deadlineTimer == null && !isDone()) {
            // after the first attempt, so an expired deadline still makes one
            deadlineTimer = loop.later(deadline.remainingNanos(), () -> complete(null));
        }
    }

    private void take(SocketHold hold) {
        SocketHold held;
        try {
            held = contender.withToken(hold, sidecar);
        }
        catch (RuntimeException ex) {
            completeExceptionally(ex);
            return;
        }
        if (!complete(held)) {
            held.release();
        }
    }

    private void awaitGrant(SocketChannel connected, FileState seenThen) {
        if (!contender.grants().trusts(connected, paths)) {
            closeQuietly(connected);
            pause(Attempt.Next.WATCH, seenThen);
            return;
        }
        SelectionKey key = loop.register(connected, SelectionKey.OP_READ, ready -> readable());
        if (key == null) {
            pause(Attempt.Next.RETRY, seenThen);
            return;
        }
        connection = connected;
        waiting = key;
        received = ByteBuffer.allocate(3);
        seen = seenThen;
    }

    private void readable() {
        if (waiting == null) {
            return;
        }
        Attempt.Next next;
        try {
            next = GrantWait.readMore(connection, received, paths);
        }
        catch (IOException ex) {
            log.debug("Connection to {} broke while waiting ({}); starting over", paths.socket(), ex.toString());
            next = Attempt.Next.RETRY;
        }
        if (next == null) {
            return;
        }
        waiting.cancel();
        waiting = null;
        if (next == Attempt.Next.HELD) {
            confirm(connection, GrantWait.giveUpConfirmingAt());
        }
        else {
            dropConnection();
            pause(next, seen);
        }
    }

    private void confirm(SocketChannel granted, long giveUp) {
        if (connection != granted) {
            return;
        }
        if (isDone()) {
            // withdrawn after the grant came: closing hands the lock on
            dropConnection();
            return;
        }
        Attempt confirmed = GrantWait.tryConfirm(granted, seen, paths, sidecar, lossListener, giveUp);
        if (confirmed == null) {
            loop.later(GrantWait.CONFIRM_RETRY_NANOS, () -> confirm(granted, giveUp));
            return;
        }
        if (confirmed.next() == Attempt.Next.HELD) {
            connection = null;
            take(confirmed.hold());
        }
        else {
            dropConnection();
            pause(confirmed.next(), seen);
        }
    }

    private void awaitHandOff(Arbiter own, LocalWaiter queued) {
        arbiter = own;
        waiter = queued;
        queued.whenDecided(() -> loop.execute(() -> handedOff(queued)));
    }

    private void handedOff(LocalWaiter decided) {
        if (waiter != decided) {
            return;
        }
        Arbiter own = arbiter;
        waiter = null;
        arbiter = null;
        if (!decided.isGranted()) {
            // the arbiter closed: start over (SL-15)
            pause(Attempt.Next.RETRY, null);
        }
        else if (isDone()) {
            own.withdraw(decided);
        }
        else {
            take(new ServerHold(own, lossListener));
        }
    }

    private void pause(Attempt.Next step, FileState seenThen) {
        if (deadline.isExpired()) {
            complete(null);
            return;
        }
        Pacing.Pause pause = pacing.after(step);
        if (pause.nanos() <= 0) {
            loop.execute(this::attempt);
            return;
        }
        int id = ++pauses;
        pausing = true;
        if (pause.untilFileChanges()) {
            watch = DirectoryWatch.subscribe(contender.directory(), paths.socketFileName(),
                    () -> loop.execute(() -> resume(id)));
        }
        resumption = loop.later(Math.min(pause.nanos(), deadline.remainingNanos()), () -> resume(id));
        if (pause.untilFileChanges() && seenThen != null && !seenThen.isStillAt(paths.socket())) {
            // changed before the subscription could see it
            resume(id);
        }
    }

    private void resume(int id) {
        if (!pausing || id != pauses) {
            return;
        }
        endPause();
        attempt();
    }

    private void endPause() {
        pausing = false;
        if (watch != null) {
            watch.close();
            watch = null;
        }
        if (resumption != null) {
            resumption.cancel(false);
            resumption = null;
        }
    }

    /** Runs once the future completed: nothing of this acquisition may stay behind. */
    private void withdraw() {
        endPause();
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
        if (waiting != null) {
            waiting.cancel();
            waiting = null;
        }
        dropConnection();
        if (waiter != null) {
            arbiter.withdraw(waiter);
            waiter = null;
            arbiter = null;
        }
        sidecar.close();
    }

    private void dropConnection() {
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        }
        catch (IOException ex) {
            log.trace("Close failed", ex);
        }
    }
}
