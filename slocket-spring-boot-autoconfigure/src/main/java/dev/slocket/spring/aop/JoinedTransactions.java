package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockLostException;
import dev.slocket.LockLoss;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

/**
 * Releases a lock after the transaction that is active on the thread completes, so that the
 * next holder sees what this one committed. A transaction whose lock was lost before the commit
 * rolls back with {@link LockLostException}. Works without spring-tx on the class path (nothing
 * to join then).
 */
final class JoinedTransactions {

    private static final boolean PRESENT = ClassUtils.isPresent(
            "org.springframework.transaction.support.TransactionSynchronizationManager",
            JoinedTransactions.class.getClassLoader());

    private JoinedTransactions() {
    }

    /**
     * @param lock the lock of a call that just returned on this thread
     * @param release what releases it
     * @return whether a transaction is active and {@code release} will run when it completes
     */
    static boolean releaseAfterCompletion(HeldLock lock, Runnable release) {
        return PRESENT && TransactionDelegate.register(lock, release);
    }

    /** Keeps spring-tx types out of the outer class, so that it loads without them. */
    private static final class TransactionDelegate {

        static boolean register(HeldLock lock, Runnable release) {
            if (!TransactionSynchronizationManager.isSynchronizationActive()) {
                return false;
            }
            TransactionSynchronizationManager.registerSynchronization(new ReleaseOnCompletion(lock, release));
            return true;
        }
    }

    private static final class ReleaseOnCompletion implements TransactionSynchronization {

        private final Runnable release;

        private volatile LockLoss loss;

        ReleaseOnCompletion(HeldLock lock, Runnable release) {
            this.release = release;
            lock.onLost(lost -> loss = lost);
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            LockLoss lost = loss;
            if (lost != null) {
                throw new LockLostException(lost);
            }
        }

        @Override
        public void afterCompletion(int status) {
            release.run();
        }
    }
}
