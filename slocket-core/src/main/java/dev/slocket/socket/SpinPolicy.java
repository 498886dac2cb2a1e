package dev.slocket.socket;

import dev.slocket.spi.Deadline;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whether a thread about to block for its grant first polls for it a little while: a blocked
 * thread takes tens of microseconds to run again once granted (an idle CPU's wake-up), more than
 * the rest of a handoff. It polls only with more than one CPU, on a platform thread, and only
 * while recent waits for the same lock (an exponential average per lock name, kept by this
 * backend) ended within twice the poll limit, so a waiter of a lock held long never polls.
 * Asynchronous waiters have no thread to poll with and never ask.
 */
final class SpinPolicy {

    /** How long a waiter polls at most; 0 turns polling off (for benchmarks: spin on against off). */
    static final long DEFAULT_LIMIT_NANOS = TimeUnit.MICROSECONDS.toNanos(Long.getLong("slocket.socket.spinMicros", 100));

    private static final int SLOTS = 64;

    private static final long UNKNOWN = -1;

    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final long limitNanos;

    /** A long wait counts at most this much, so a lock held long once is trusted again after a few short waits. */
    private final long capNanos;

    /** Average wait per lock; names share a slot by hash, and a shared slot only spins less. */
    private final AtomicLongArray averages = new AtomicLongArray(SLOTS);

    private final LongAdder spins = new LongAdder();

    SpinPolicy(long limitNanos) {
        this.limitNanos = (Runtime.getRuntime().availableProcessors() > 1) ? limitNanos : 0;
        this.capNanos = 16 * this.limitNanos;
        for (int i = 0; i < SLOTS; i++) {
            averages.set(i, UNKNOWN);
        }
    }

    /**
     * @param lock the lock's key (its socket path)
     * @return until when ({@link System#nanoTime}) the current thread may poll for its grant, or 0: block at once
     */
    long spinUntil(Object lock, Deadline deadline) {
        if (limitNanos == 0 || isVirtual(Thread.currentThread())) {
            return 0;
        }
        long average = averages.get(slot(lock));
        if (average == UNKNOWN || average > 2 * limitNanos) {
            return 0;
        }
        long limit = deadline.isInfinite() ? limitNanos : Math.min(limitNanos, deadline.remainingNanos());
        if (limit <= 0) {
            return 0;
        }
        spins.increment();
        return System.nanoTime() + limit;
    }

    /** Notes a wait for {@code lock} that began at {@code startNanos} and ended now. */
    void waited(Object lock, long startNanos) {
        if (limitNanos == 0) {
            return;
        }
        long wait = Math.min(System.nanoTime() - startNanos, capNanos);
        int slot = slot(lock);
        long average = averages.get(slot);
        // racing updates may lose one another's sample: harmless for an average
        averages.set(slot, (average == UNKNOWN) ? wait : average + (wait - average) / 8);
    }

    /** @return how many waits polled before blocking, for tests and benchmarks */
    long spins() {
        return spins.sum();
    }

    private static int slot(Object lock) {
        int hash = lock.hashCode();
        return (hash ^ (hash >>> 16)) & (SLOTS - 1);
    }

    private static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        }
        catch (Throwable ex) {
            return true;
        }
    }

    /** {@code Thread.isVirtual()} where the JDK has it (21 and later); this code compiles for 17. */
    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        }
        catch (ReflectiveOperationException ex) {
            return null;
        }
    }
}
