package dev.slocket.socket;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.LossListener;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One hold of a socket lock: as the server-holder or as a grantee. Releases once (SL-29); reports
 * a loss once and never after release.
 */
abstract class SocketHold implements BackendLock {

    private static final int HELD = 0;

    private static final int LOST = 1;

    private static final int RELEASED = 2;

    private final AtomicInteger state = new AtomicInteger(HELD);

    private final LossListener lossListener;

    private long token;

    SocketHold(LossListener lossListener) {
        this.lossListener = lossListener;
    }

    void setToken(long token) {
        this.token = token;
    }

    @Override
    public long fencingToken() {
        return token;
    }

    /** @return the lock's files */
    abstract LockPaths paths();

    /** @return the socket file through which this hold excludes others */
    abstract FileState lockFile();

    /** Gives the lock up: hand over, close or remove a tombstone. */
    abstract void releaseHeld();

    /** Cleans up after the lock was found to be no longer ours; must not touch anyone else's files. */
    abstract void releaseLost();

    @Override
    public final void release() {
        int previous = state.getAndSet(RELEASED);
        LossMonitor.forget(this);
        if (previous == HELD) {
            releaseHeld();
        }
        else if (previous == LOST) {
            releaseLost();
        }
    }

    /** @return whether this hold is still held and not known to be lost */
    boolean isHeld() {
        return state.get() == HELD;
    }

    /**
     * Checks cheaply that the lock file is still the one this hold excludes others through; if not,
     * reports the loss once (the original never noticed: spec §13 item 9).
     */
    void verify() {
        if (state.get() != HELD || lockFile().isStillAt(paths().socket())) {
            return;
        }
        if (state.compareAndSet(HELD, LOST)) {
            lossListener.lockLost("lock socket " + paths().socket() + " was deleted or replaced by someone else");
            onLost();
        }
    }

    /** Called once when the loss is noticed, before the registry releases. */
    void onLost() {
    }
}
