package dev.slocket.socket;

import dev.slocket.spi.Deadline;
import dev.slocket.spi.WaitTimer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's one thread (a daemon, SL-8) on which the socket locks' asynchronous acquisitions
 * run: a selector that notices grants on their connections, and the steps those acquisitions
 * take. Apart from the {@link ArbiterLoop}, so waiting for locks of other processes never delays
 * the hand-overs this process serves. Steps must be short (one attempt, one read): a thousand
 * waiting acquisitions share the thread. It survives any error a step throws.
 */
final class GrantLoop {

    private static final Logger log = LoggerFactory.getLogger(GrantLoop.class);

    private static GrantLoop instance;

    private final Selector selector;

    private final Queue<Runnable> steps = new ConcurrentLinkedQueue<>();

    private GrantLoop(Selector selector) {
        this.selector = selector;
    }

    /** @return the JVM's loop, started on first use */
    static synchronized GrantLoop get() {
        if (instance == null) {
            try {
                instance = new GrantLoop(Selector.open());
            }
            catch (IOException ex) {
                throw new UncheckedIOException("Cannot open a selector for waiting socket locks", ex);
            }
            Thread thread = new Thread(instance::run, "slocket-grant-loop");
            thread.setDaemon(true);
            thread.start();
        }
        return instance;
    }

    /** Runs {@code step} on the loop thread, after the steps already queued. */
    void execute(Runnable step) {
        steps.add(step);
        selector.wakeup();
    }

    /**
     * Runs {@code step} on the loop thread once {@code delayNanos} passed (timed by the shared
     * {@link WaitTimer}, whose thread only hands it over).
     *
     * @return cancels the step if it is not due yet
     */
    Future<?> later(long delayNanos, Runnable step) {
        return WaitTimer.at(Deadline.after(Duration.ofNanos(Math.max(0, delayNanos))), () -> execute(step));
    }

    /**
     * Has {@code onReady} run on the loop thread whenever the non-blocking {@code channel} is ready
     * for {@code ops}, until the key is cancelled; call on the loop thread only.
     *
     * @return the key, or {@code null} if the channel is already closed
     */
    SelectionKey register(SelectableChannel channel, int ops, Runnable onReady) {
        try {
            return channel.register(selector, ops, onReady);
        }
        catch (ClosedChannelException ex) {
            return null;
        }
    }

    private void run() {
        while (true) {
            try {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid()) {
                        runSafely((Runnable) key.attachment());
                    }
                }
                selector.selectedKeys().clear();
                Runnable step;
                while ((step = steps.poll()) != null) {
                    runSafely(step);
                }
            }
            catch (IOException | RuntimeException ex) {
                log.error("Socket lock grant loop failed; it keeps serving", ex);
            }
        }
    }

    private static void runSafely(Runnable step) {
        try {
            step.run();
        }
        catch (RuntimeException ex) {
            log.error("A step of a waiting socket lock acquisition failed", ex);
        }
    }
}
