package dev.slocket.internal;

import dev.slocket.spi.LossListener;

/**
 * Passes a backend's loss report to the handle, even when the backend reports before the
 * handle exists (a loss detected while {@code acquire} is still returning).
 */
final class LossRelay implements LossListener {

    private RegistryHeldLock handle;

    private String pendingReason;

    @Override
    public void lockLost(String reason) {
        RegistryHeldLock target;
        synchronized (this) {
            if (handle == null) {
                pendingReason = reason;
                return;
            }
            target = handle;
        }
        target.markLost(reason);
    }

    void attach(RegistryHeldLock lock) {
        String reason;
        synchronized (this) {
            handle = lock;
            reason = pendingReason;
        }
        if (reason != null) {
            lock.markLost(reason);
        }
    }
}
