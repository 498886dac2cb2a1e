package dev.slocket.spi;

import dev.slocket.LockLoss;

import java.time.Duration;

/**
 * Watches what a registry does with its locks, for metrics and tracing. Methods run on the thread
 * that waits, releases or detects the loss; they must be quick and must not throw. Only
 * {@link #waitStarted} must be implemented; the others do nothing by default.
 */
public interface LockObserver {

    /**
     * A thread starts waiting for a lock it does not hold yet (re-entries are not reported).
     *
     * @param lock the lock
     * @return receives the outcome of this wait exactly once
     */
    Wait waitStarted(ObservedLock lock);

    /**
     * A hold ended by release (or by the registry closing).
     *
     * @param lock the lock
     * @param held how long it was held
     * @param lost whether the lock had been lost before the release
     */
    default void holdEnded(ObservedLock lock, Duration held, boolean lost) {
    }

    /**
     * A held lock was lost.
     *
     * @param lock the lock
     * @param loss what the backend reported
     */
    default void lost(ObservedLock lock, LockLoss loss) {
    }

    /** The outcome of one wait. */
    interface Wait {

        /** The lock was acquired. */
        void acquired();

        /**
         * The lock was acquired with this fencing token; the registry calls this instead of
         * {@link #acquired()}, which the default forwards to.
         *
         * @param fencingToken the token of the new hold
         */
        default void acquired(long fencingToken) {
            acquired();
        }

        /** The wait elapsed. */
        void timedOut();

        /**
         * The wait ended otherwise: interrupted, cancelled or a backend failure.
         *
         * @param failure why
         */
        void failed(Throwable failure);
    }

    /**
     * A lock as observers see it.
     *
     * @param name the lock name
     * @param template the bounded name for metric tags: the {@code @Mutexed} template, a template
     *        declared with {@link LockTemplate#with}, or {@link LockTemplate#UNDECLARED}
     * @param backend the backend type
     */
    record ObservedLock(String name, String template, String backend) {
    }
}
