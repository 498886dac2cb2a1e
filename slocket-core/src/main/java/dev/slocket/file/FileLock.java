package dev.slocket.file;

import dev.slocket.LockLoss;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock on a file taken with {@link FileLocks#lock}: the directory {@link #lockDirectory()}
 * exists and this process refreshes its mtime until {@link #release()}. Bound to this instance:
 * releasing it never releases a later lock on the same file (spec FL-50, FL-51).
 */
public final class FileLock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FileLock.class);

    private final Path file;

    private final Path lockDirectory;

    private final Consumer<FileLock> deregister;

    private final List<Consumer<LockLoss>> listeners = new ArrayList<>();

    private DirectoryHold hold;

    private LockLoss loss;

    private boolean released;

    FileLock(Path file, Path lockDirectory, Consumer<FileLock> deregister) {
        this.file = file;
        this.lockDirectory = lockDirectory;
        this.deregister = deregister;
    }

    synchronized void attach(DirectoryHold hold) {
        this.hold = hold;
    }

    /** @return the locked file, resolved */
    public Path file() {
        return file;
    }

    /** @return the directory whose existence means "locked" */
    public Path lockDirectory() {
        return lockDirectory;
    }

    /** @return the fencing token of this hold, from the counter file beside the lock directory */
    public synchronized long fencingToken() {
        return hold.fencingToken();
    }

    /** @return {@code true} until released or lost */
    public synchronized boolean isHeld() {
        return !released && loss == null;
    }

    /**
     * Registers a listener that runs once if the lock is found to be no longer ours; a listener
     * added after the loss runs at once. Losses are logged as warnings whether or not anyone listens.
     *
     * @param listener called with the loss
     */
    public void onLost(Consumer<LockLoss> listener) {
        LockLoss lost;
        synchronized (this) {
            lost = loss;
            if (lost == null) {
                listeners.add(listener);
                return;
            }
        }
        notifySafely(listener, lost);
    }

    void lost(String reason) {
        List<Consumer<LockLoss>> toCall;
        LockLoss lost;
        synchronized (this) {
            if (loss != null || released) {
                return;
            }
            loss = new LockLoss(file.toString(), hold == null ? 0 : hold.fencingToken(), "file", reason, Instant.now());
            lost = loss;
            toCall = List.copyOf(listeners);
            listeners.clear();
        }
        deregister.accept(this);
        toCall.forEach(listener -> notifySafely(listener, lost));
    }

    private static void notifySafely(Consumer<LockLoss> listener, LockLoss loss) {
        try {
            listener.accept(loss);
        }
        catch (RuntimeException ex) {
            log.error("Lock-lost listener failed for {}", loss.name(), ex);
        }
    }

    /**
     * Removes the lock directory if it is still ours and stops the heartbeat. Idempotent: a
     * second call, or a call after a loss, does nothing.
     */
    public void release() {
        DirectoryHold toRelease;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            toRelease = hold;
        }
        deregister.accept(this);
        toRelease.release();
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "FileLock[" + file + " -> " + lockDirectory + (isHeld() ? ", held]" : ", not held]");
    }
}
