package dev.slocket.socket;

import dev.slocket.spi.LossListener;

/** The lock held by binding its socket; release hands over through the arbiter. */
final class ServerHold extends SocketHold {

    private final Arbiter arbiter;

    ServerHold(Arbiter arbiter, LossListener lossListener) {
        super(lossListener);
        this.arbiter = arbiter;
    }

    @Override
    LockPaths paths() {
        return arbiter.paths();
    }

    @Override
    FileState lockFile() {
        return arbiter.bound();
    }

    @Override
    void releaseHeld() {
        // no yield after a grant: a thread of ours that acquires again must queue behind it at once
        arbiter.releaseSelf();
    }

    @Override
    void onLost() {
        arbiter.abandon();
    }

    @Override
    void releaseLost() {
        arbiter.abandon();
    }
}
