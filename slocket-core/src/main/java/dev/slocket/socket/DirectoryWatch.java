package dev.slocket.socket;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-driven waiting for a lock file to change (SL-42): one {@link WatchService} per lock
 * directory per JVM, on a daemon thread, wakes the waiters of the file name an event names:
 * blocked threads, or callbacks of acquisitions that wait without a thread. Waiters also wake
 * after their own timeout, the safety poll. If the directory cannot be watched, waiting falls
 * back to the poll alone.
 */
final class DirectoryWatch {

    private static final Logger log = LoggerFactory.getLogger(DirectoryWatch.class);

    private static final Map<Path, DirectoryWatch> WATCHES = new ConcurrentHashMap<>();

    private final Path directory;

    private final Map<String, Set<Runnable>> waiters = new ConcurrentHashMap<>();

    private DirectoryWatch(Path directory) {
        this.directory = directory;
    }

    /**
     * @param directory a lock directory
     * @return the JVM's watch of it, started on first use
     */
    static DirectoryWatch of(Path directory) {
        return WATCHES.computeIfAbsent(directory, DirectoryWatch::start);
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
        }
        catch (IOException | UnsupportedOperationException ex) {
            log.warn("Cannot watch lock directory {} ({}); waiting falls back to polling", directory, ex.toString());
        }
        return watch;
    }

    /**
     * Waits until an event names {@code fileName}, {@code timeoutNanos} pass, or {@code changed}
     * is already true once the waiter is registered (so an event just before cannot be missed).
     */
    void await(String fileName, long timeoutNanos, BooleanSupplier changed) throws InterruptedException {
        Semaphore signal = new Semaphore(0);
        try (Subscription ignored = subscribe(fileName, signal::release)) {
            if (!changed.getAsBoolean()) {
                signal.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * Calls {@code onEvent} on the watch thread at every event that names {@code fileName} (and when
     * events were lost) until the subscription is closed; it must be short.
     *
     * @return the subscription
     */
    Subscription subscribe(String fileName, Runnable onEvent) {
        waiters.compute(fileName, (name, set) -> {
            Set<Runnable> result = (set != null) ? set : ConcurrentHashMap.newKeySet();
            result.add(onEvent);
            return result;
        });
        return () -> waiters.computeIfPresent(fileName, (name, set) -> {
            set.remove(onEvent);
            return set.isEmpty() ? null : set;
        });
    }

    /** Stops the calls of one {@link #subscribe} callback. */
    @FunctionalInterface
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private void run(WatchService service) {
        try {
            while (true) {
                WatchKey key = service.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        waiters.values().forEach(set -> set.forEach(Runnable::run));
                    }
                    else {
                        wake(((Path) event.context()).toString());
                    }
                }
                if (!key.reset()) {
                    log.debug("Lock directory {} can no longer be watched", directory);
                    WATCHES.remove(directory, this);
                    waiters.values().forEach(set -> set.forEach(Runnable::run));
                    service.close();
                    return;
                }
            }
        }
        catch (InterruptedException | ClosedWatchServiceException | IOException ex) {
            WATCHES.remove(directory, this);
        }
    }

    private void wake(String fileName) {
        Set<Runnable> set = waiters.get(fileName);
        if (set != null) {
            set.forEach(Runnable::run);
        }
    }
}
