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
            Thread thread = new Thread(instance::run, "slocket-arbiter");
            thread.setDaemon(true);
            thread.start();
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

    /** Wakes the loop so channels closed elsewhere are really closed now. */
    void wakeup() {
        selector.wakeup();
    }

    /** Sets what the loop waits for on a registered channel, if it still is; call on the loop thread only. */
    void interest(SelectableChannel channel, int ops) {
        SelectionKey key = channel.keyFor(selector);
        if (key != null && key.isValid()) {
            key.interestOps(ops);
        }
    }

    /**
     * Registers a non-blocking channel; call on the loop thread only.
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
