package dev.slocket.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The asynchronous acquisition of a backend that can only wait by blocking: the blocking
 * {@link LockBackend#acquire} runs on a small pool shared by the JVM, in slices of at most
 * {@link #SLICE_NANOS}, and a slice that ends while other acquisitions queue for the pool goes
 * to the back of the queue, so every awaited name keeps being tried however many there are.
 *
 * <p>Cancelling interrupts the blocking call; the future completes only once the backend has
 * returned, so the caller never has two acquisitions of one name outstanding. A lock obtained
 * after cancellation is released.
 */
final class BlockingAcquisition extends CompletableFuture<BackendLock> implements Runnable {

    /** Most threads that block in backends for asynchronous acquisitions, JVM-wide. */
    static final int POOL_SIZE = 16;

    static final long SLICE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final ThreadPoolExecutor POOL = createPool();

    private final LockBackend backend;

    private final String name;

    private final Deadline deadline;

    private final LossListener lossListener;

    /** Guards {@link #runner} and {@link #cancelled}, so an interrupt never reaches a later task. */
    private final ReentrantLock state = new ReentrantLock();

    private Thread runner;

    private boolean cancelled;

    private BlockingAcquisition(LockBackend backend, String name, Deadline deadline, LossListener lossListener) {
        this.backend = backend;
        this.name = name;
        this.deadline = deadline;
        this.lossListener = lossListener;
    }

    static CompletableFuture<BackendLock> start(LockBackend backend, String name, Deadline deadline,
            LossListener lossListener) {
        BlockingAcquisition acquisition = new BlockingAcquisition(backend, name, deadline, lossListener);
        POOL.execute(acquisition);
        return acquisition;
    }

    private static ThreadPoolExecutor createPool() {
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(POOL_SIZE, POOL_SIZE, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "slocket-blocking-acquire-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public void run() {
        if (!begin()) {
            return;
        }
        BackendLock lock = null;
        Throwable failure = null;
        try {
            lock = backend.acquire(name, slice(), lossListener);
        }
        catch (InterruptedException ex) {
            failure = ex;
        }
        catch (RuntimeException | Error ex) {
            failure = ex;
        }
        if (!end()) {
            if (lock != null) {
                lock.release();
            }
            super.cancel(false);
        }
        else if (failure != null) {
            completeExceptionally(failure);
        }
        else if (lock != null || deadline.isExpired()) {
            if (!complete(lock) && lock != null) {
                lock.release();
            }
        }
        else {
            POOL.execute(this);
        }
    }

    /** @return the deadline of this slice: the real one, or sooner */
    private Deadline slice() {
        long remaining = deadline.remainingNanos();
        if (remaining <= SLICE_NANOS) {
            return deadline;
        }
        return Deadline.after(Duration.ofNanos(SLICE_NANOS));
    }

    private boolean begin() {
        state.lock();
        try {
            if (cancelled) {
                return false;
            }
            runner = Thread.currentThread();
            return true;
        }
        finally {
            state.unlock();
        }
    }

    /** @return whether the acquisition still stands; clears an interrupt meant for it */
    private boolean end() {
        state.lock();
        try {
            runner = null;
            Thread.interrupted();
            return !cancelled;
        }
        finally {
            state.unlock();
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        state.lock();
        try {
            if (isDone() || cancelled) {
                return false;
            }
            cancelled = true;
            if (runner != null) {
                runner.interrupt();
                return true;
            }
        }
        finally {
            state.unlock();
        }
        POOL.remove(this);
        return super.cancel(false);
    }
}
