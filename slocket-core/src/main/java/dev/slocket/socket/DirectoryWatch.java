package dev.slocket.socket;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-driven waiting for a lock file to change (SL-42): one {@link WatchService} per lock
 * directory per JVM, on a daemon thread, wakes the waiters of the file name an event names:
 * blocked threads, or callbacks of acquisitions that wait without a thread. Waiters also wake
 * after their own timeout, the safety poll. If the directory cannot be watched, waiting falls
 * back to the poll alone.
 *
 * <p>A watch runs only while someone waits, and {@link #IDLE_NANOS} longer: the directory's shared
 * state files change at every acquisition of any process, and each change would otherwise wake
 * the watch threads of every JVM that once waited here, for as long as it runs.
 */
final class DirectoryWatch {

    private static final Logger log = LoggerFactory.getLogger(DirectoryWatch.class);

    /** How long a watch nobody waits on keeps running, so that waits in a row share one. */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Guards {@link #WATCHES} and the start and end of a watch; never held across a wait. */
    private static final ReentrantLock WATCHES_LOCK = new ReentrantLock();

    private static final Map<Path, DirectoryWatch> WATCHES = new HashMap<>();

    private final Path directory;

    private final Map<String, Set<Runnable>> waiters = new ConcurrentHashMap<>();

    /** When the last waiter left ({@link System#nanoTime()}); guarded by {@link #WATCHES_LOCK}. */
    private long idleSince;

    private DirectoryWatch(Path directory) {
        this.directory = directory;
    }

    /**
     * Waits until an event names {@code fileName} in {@code directory}, {@code timeoutNanos} pass,
     * or {@code changed} is already true once the waiter is registered (so an event just before
     * cannot be missed).
     */
    static void await(Path directory, String fileName, long timeoutNanos, BooleanSupplier changed)
            throws InterruptedException {
        Semaphore signal = new Semaphore(0);
        try (Subscription ignored = subscribe(directory, fileName, signal::release)) {
            if (!changed.getAsBoolean()) {
                signal.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * Calls {@code onEvent} on the watch thread at every event that names {@code fileName} in
     * {@code directory} (and when events were lost) until the subscription is closed; it must be
     * short. The directory's watch starts now if it does not run.
     *
     * @return the subscription
     */
    static Subscription subscribe(Path directory, String fileName, Runnable onEvent) {
        WATCHES_LOCK.lock();
        try {
            DirectoryWatch watch = WATCHES.get(directory);
            if (watch == null) {
                watch = start(directory);
            }
            watch.add(fileName, onEvent);
            DirectoryWatch subscribed = watch;
            return () -> subscribed.remove(fileName, onEvent);
        }
        finally {
            WATCHES_LOCK.unlock();
        }
    }

    /** @return whether a watch of {@code directory} runs in this JVM */
    static boolean isWatching(Path directory) {
        WATCHES_LOCK.lock();
        try {
            return WATCHES.containsKey(directory);
        }
        finally {
            WATCHES_LOCK.unlock();
        }
    }

    /** Stops the calls of one {@link #subscribe} callback. */
    @FunctionalInterface
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private static DirectoryWatch start(Path directory) {
        DirectoryWatch watch = new DirectoryWatch(directory);
        try {
            WatchService service = directory.getFileSystem().newWatchService();
            directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            Thread thread = new Thread(() -> watch.run(service), "slocket-watch-" + directory.getFileName());
            thread.setDaemon(true);
            thread.start();
            WATCHES.put(directory, watch);
        }
        catch (IOException | UnsupportedOperationException ex) {
            log.warn("Cannot watch lock directory {} ({}); waiting falls back to polling", directory, ex.toString());
            WATCHES.put(directory, watch); // kept without a thread: tried and warned once
        }
        return watch;
    }

    private void add(String fileName, Runnable onEvent) {
        waiters.computeIfAbsent(fileName, name -> ConcurrentHashMap.newKeySet()).add(onEvent);
    }

    private void remove(String fileName, Runnable onEvent) {
        WATCHES_LOCK.lock();
        try {
            Set<Runnable> set = waiters.get(fileName);
            if (set != null && set.remove(onEvent) && set.isEmpty()) {
                waiters.remove(fileName);
            }
            if (waiters.isEmpty()) {
                idleSince = System.nanoTime();
            }
        }
        finally {
            WATCHES_LOCK.unlock();
        }
    }

    /** @return how long to wait for the next event; the watch ends (and returns 0) once idle long enough */
    private long nanosUntilIdle() {
        WATCHES_LOCK.lock();
        try {
            if (!waiters.isEmpty()) {
                return Long.MAX_VALUE;
            }
            long left = IDLE_NANOS - (System.nanoTime() - idleSince);
            if (left <= 0) {
                WATCHES.remove(directory, this);
                return 0;
            }
            return left;
        }
        finally {
            WATCHES_LOCK.unlock();
        }
    }

    private void run(WatchService service) {
        try (service) {
            while (true) {
                long wait = nanosUntilIdle();
                if (wait == 0) {
                    log.debug("Stopped the idle watch of lock directory {}", directory);
                    return;
                }
                WatchKey key = service.poll(Math.min(wait, IDLE_NANOS), TimeUnit.NANOSECONDS);
                if (key == null) {
                    continue;
                }
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        wakeAll();
                    }
                    else {
                        wake(((Path) event.context()).toString());
                    }
                }
                if (!key.reset()) {
                    log.debug("Lock directory {} can no longer be watched", directory);
                    end();
                    return;
                }
            }
        }
        catch (InterruptedException | ClosedWatchServiceException | IOException ex) {
            end();
        }
    }

    /** The directory cannot be watched any more: its waiters look for themselves, later ones start afresh. */
    private void end() {
        WATCHES_LOCK.lock();
        try {
            WATCHES.remove(directory, this);
        }
        finally {
            WATCHES_LOCK.unlock();
        }
        wakeAll();
    }

    private void wakeAll() {
        waiters.values().forEach(set -> set.forEach(Runnable::run));
    }

    private void wake(String fileName) {
        Set<Runnable> set = waiters.get(fileName);
        if (set != null) {
            set.forEach(Runnable::run);
        }
    }
}
