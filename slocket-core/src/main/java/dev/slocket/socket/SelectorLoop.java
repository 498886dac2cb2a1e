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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread (SL-8) with one selector: it runs the tasks handed to it and the handlers of
 * its ready channels, and survives any error they throw (SL-54). The base of the JVM's
 * {@link ArbiterLoop} and {@link GrantLoop}.
 */
class SelectorLoop {

    private static final Logger log = LoggerFactory.getLogger(SelectorLoop.class);

    private final Selector selector;

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    private final Thread thread;

    /** Reacts to a ready channel; runs on the loop thread. */
    @FunctionalInterface
    interface Handler {
        void ready(SelectionKey key);
    }

    /**
     * Opens the selector and starts the thread.
     *
     * @param threadName the thread's name
     * @param purpose what the loop serves, for the error if no selector can be opened
     */
    SelectorLoop(String threadName, String purpose) {
        try {
            this.selector = Selector.open();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot open a selector for " + purpose, ex);
        }
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code task} on the loop thread, soon. */
    final void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Wakes the loop, so registrations made meanwhile take effect and channels closed elsewhere are really closed. */
    final void wakeup() {
        selector.wakeup();
    }

    /** @return whether the caller is the loop thread, which needs no wake-up to see its own registrations */
    final boolean isLoopThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Registers a non-blocking channel, from any thread; a registration made while the loop waits
     * takes effect when it next wakes ({@link #wakeup()}).
     *
     * @return the key, or {@code null} if the channel is already closed
     */
    final SelectionKey register(SelectableChannel channel, int ops, Handler handler) {
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
                log.error("Socket lock loop {} failed; it keeps serving", Thread.currentThread().getName(), ex);
            }
        }
    }

    static void runSafely(Runnable task) {
        try {
            task.run();
        }
        catch (RuntimeException ex) {
            log.error("Socket lock task on {} failed; it keeps serving", Thread.currentThread().getName(), ex);
        }
    }
}
