package dev.slocket.file;

import dev.slocket.LockBackendException;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes waiters when a lock directory disappears, so waiting never spins: one
 * {@link WatchService} and one daemon thread for every directory that holds lock directories.
 * Waiters also wake on their own timeout, which gives the slow safety poll (some file systems,
 * e.g. network ones, report no events for other hosts' changes).
 */
final class DirectoryWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirectoryWatcher.class);

    private final WatchService service;

    private final Map<Path, WatchKey> watched = new ConcurrentHashMap<>();

    private final Map<Path, Set<Subscription>> subscriptions = new ConcurrentHashMap<>();

    private final Thread thread;

    private final LockFileSystem fs;

    DirectoryWatcher(String threadName, LockFileSystem fs) {
        this.fs = fs;
        try {
            this.service = FileSystems.getDefault().newWatchService();
        }
        catch (IOException ex) {
            throw new LockBackendException("Cannot watch lock directories: " + ex, ex);
        }
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts listening for the removal of {@code lockDir}. Subscribe before an attempt so that a
     * removal between the attempt and the wait is not missed.
     *
     * @param lockDir the lock directory to watch
     * @return the subscription; close it when done
     */
    Subscription subscribe(Path lockDir) {
        return subscribe(lockDir, () -> {
        });
    }

    /**
     * Like {@link #subscribe(Path)}, and runs {@code onRemoval} on the watcher thread at each
     * removal; it must be short (hand the work to another thread).
     *
     * @param lockDir the lock directory to watch
     * @param onRemoval called at each removal
     * @return the subscription; close it when done
     */
    Subscription subscribe(Path lockDir, Runnable onRemoval) {
        Path parent = lockDir.getParent();
        watched.computeIfAbsent(parent, this::register);
        Subscription subscription = new Subscription(lockDir, onRemoval);
        subscriptions.computeIfAbsent(lockDir, key -> ConcurrentHashMap.newKeySet()).add(subscription);
        return subscription;
    }

    private WatchKey register(Path directory) {
        try {
            return fs.watchDeletions(directory, service);
        }
        catch (IOException ex) {
            // no events for this directory: waiters fall back to the safety poll
            log.warn("Cannot watch {} for lock releases, waiting by polling only: {}", directory, ex.toString());
            return null;
        }
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path directory = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        subscriptions.values().forEach(set -> set.forEach(Subscription::signal));
                    }
                    else {
                        signal(directory.resolve((Path) event.context()));
                    }
                }
                if (!key.reset()) {
                    watched.remove(directory);
                }
            }
        }
        catch (InterruptedException | ClosedWatchServiceException ex) {
            log.debug("Lock directory watcher stopped");
        }
    }

    private void signal(Path lockDir) {
        Set<Subscription> set = subscriptions.get(lockDir);
        if (set != null) {
            set.forEach(Subscription::signal);
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        }
        catch (IOException ex) {
            log.debug("Closing the lock directory watcher failed", ex);
        }
    }

    /** One waiter's interest in the removal of one lock directory. */
    final class Subscription implements AutoCloseable {

        private final Path lockDir;

        private final ReentrantLock guard = new ReentrantLock();

        private final Condition signal = guard.newCondition();

        private final Runnable onRemoval;

        private boolean signalled;

        private Subscription(Path lockDir, Runnable onRemoval) {
            this.lockDir = lockDir;
            this.onRemoval = onRemoval;
        }

        private void signal() {
            guard.lock();
            try {
                signalled = true;
                signal.signalAll();
            }
            finally {
                guard.unlock();
            }
            onRemoval.run();
        }

        /** Forgets earlier signals; call right before an attempt. */
        void clear() {
            guard.lock();
            try {
                signalled = false;
            }
            finally {
                guard.unlock();
            }
        }

        /**
         * Waits until the lock directory is removed (or was since {@link #clear()}), or the
         * timeout passes.
         *
         * @param nanos the longest wait
         */
        void await(long nanos) throws InterruptedException {
            guard.lock();
            try {
                long left = nanos;
                while (!signalled && left > 0) {
                    left = signal.awaitNanos(left);
                }
            }
            finally {
                guard.unlock();
            }
        }

        @Override
        public void close() {
            subscriptions.computeIfPresent(lockDir, (key, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }
    }
}
