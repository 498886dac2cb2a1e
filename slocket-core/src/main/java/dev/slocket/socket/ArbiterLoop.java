package dev.slocket.socket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's one selector thread (a daemon, SL-8) that serves every arbiter while it has a grantee
 * or waiting connections: it accepts newcomers and notices closed connections; plus a timer thread
 * that closes arbiters which stayed idle. An uncontended lock never touches either. Both survive any
 * error a handler throws (SL-54).
 */
final class ArbiterLoop {

    private static final Logger log = LoggerFactory.getLogger(ArbiterLoop.class);

    private static ArbiterLoop instance;

    private final Selector selector;

    private final Thread thread = new Thread(this::run, "slocket-arbiter");

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "slocket-arbiter-timer");
        thread.setDaemon(true);
        return thread;
    });

    /** Reacts to a ready channel; runs on the loop thread. */
    @FunctionalInterface
    interface Handler {
        void ready(SelectionKey key);
    }

    private ArbiterLoop(Selector selector) {
        this.selector = selector;
    }

    /** @return the JVM's loop, started on first use */
    static synchronized ArbiterLoop get() {
        if (instance == null) {
            try {
                instance = new ArbiterLoop(Selector.open());
            }
            catch (IOException ex) {
                throw new UncheckedIOException("Cannot open a selector for the socket lock arbiters", ex);
            }
            instance.thread.setDaemon(true);
            instance.thread.start();
        }
        return instance;
    }

    /** Runs {@code task} on the loop thread, soon. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Runs {@code task} on the timer thread after {@code delayNanos}. */
    void schedule(Runnable task, long delayNanos) {
        timer.schedule(() -> runSafely(task), delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Wakes the loop, so registrations made meanwhile take effect and channels closed elsewhere are really closed. */
    void wakeup() {
        selector.wakeup();
    }

    /**
     * Registers a non-blocking channel, from any thread; a registration made while the loop waits
     * takes effect when it next wakes ({@link #wakeup()}).
     *
     * @return the key, or {@code null} if the channel is already closed
     */
    SelectionKey register(SelectableChannel channel, int ops, Handler handler) {
        SelectionKey existing = channel.keyFor(selector);
        if (existing != null) {
            return existing;
        }
        try {
            return channel.register(selector, ops, handler);
        }
        catch (ClosedChannelException ex) {
            return null;
        }
    }

    /** @return whether the caller is the loop thread, which needs no wake-up to see its own registrations */
    boolean isLoopThread() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        while (true) {
            try {
                selector.select();
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    runSafely(task);
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isValid()) {
                        runSafely(() -> ((Handler) key.attachment()).ready(key));
                    }
                }
            }
            catch (IOException | RuntimeException ex) {
                log.error("Socket lock arbiter loop failed; it keeps serving", ex);
            }
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        }
        catch (RuntimeException ex) {
            log.error("Socket lock arbiter task failed; the arbiter keeps serving", ex);
        }
    }
}
