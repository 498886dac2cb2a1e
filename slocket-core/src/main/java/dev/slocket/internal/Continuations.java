package dev.slocket.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVM-wide pool that runs the continuations of asynchronous waiters whose turn came, so that
 * releasing a lock never runs the next holder's code on the releasing thread: two daemon threads
 * ({@code slocket-turn-N}), started on demand and ended when idle. Tasks queue behind each other,
 * so they should be short: a task that blocks delays every other waiter's turn.
 */
public final class Continuations {

    private static final Executor EXECUTOR = create();

    private Continuations() {
    }

    /** @return the pool */
    public static Executor executor() {
        return EXECUTOR;
    }

    private static Executor create() {
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "slocket-turn-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
