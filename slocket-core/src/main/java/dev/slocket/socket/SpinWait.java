package dev.slocket.socket;

import dev.slocket.spi.Deadline;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * A waiting acquisition busy-waits a moment for its grant before it blocks ({@code spinWait} of
 * {@link SocketLockOptions}, off by default), so that a short hold hands over without a wake-up: a
 * blocked waiter must be scheduled again once its grant arrives, which costs more than a short hold
 * (tens of µs; most where an idle CPU must be woken, as in a virtual machine), and a releasing
 * holder that runs on keeps the waiter it wakes off its own CPU. Used for a waiter on a connection
 * ({@link GrantWait}) and for a thread of the arbiter's process watching the grantee ahead of it
 * ({@link LocalWaiter}); one per backend.
 *
 * <p>The spin is adaptive: a spin that ends without the grant makes the next waiters block at once,
 * 1, 2, 4 … up to {@value #MAX_SKIPPED} of them, and a spin that sees its grant ends that penalty, so
 * a lock held longer than the spin costs almost no CPU. A spin never runs on a virtual thread (it
 * would keep its carrier busy), nor on a single CPU (the holder needs it), and never past the
 * waiter's deadline. Each turn of the spin makes one non-blocking system call; every
 * {@value #TURNS_PER_YIELD}th turn yields the CPU to any thread ready to run there, so that a spinner
 * that shares a CPU with the holder, or with a next holder just woken, keeps it waiting for tens of
 * µs, not for the rest of the scheduler's time slice. Measured (two processes, a file read and
 * rewritten in each hold, 400 µs spin, two runs each): hand-over p50 31.9-42.9 µs yielding every 16th
 * turn, 46.4-55.3 µs never yielding, 37.4-62.1 µs yielding every turn; at holds of 20 and 50 µs the
 * three were alike (14-26 µs).
 */
final class SpinWait {

    /** How many turns of a spin go by between two yields of the CPU. */
    static final int TURNS_PER_YIELD = 16;

    /** The longest run of waiters that block at once after spins that missed. */
    static final int MAX_SKIPPED = 64;

    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final long nanos;

    private final boolean severalProcessors;

    /** Waiters that will still block at once, after a spin that missed. */
    private final AtomicInteger skipping = new AtomicInteger();

    /** How many the next missed spin makes block at once. */
    private final AtomicInteger penalty = new AtomicInteger(1);

    /** How long waiters spun in all. */
    private final LongAdder spun = new LongAdder();

    /**
     * @param spin how long a waiter spins at most; zero never
     * @param processors the CPUs this process may run on
     */
    SpinWait(Duration spin, int processors) {
        this.nanos = spin.toNanos();
        this.severalProcessors = processors > 1;
    }

    /**
     * Spins until {@code granted} is true, for at most the configured time and the deadline's
     * remainder, unless this thread should block at once.
     *
     * @param granted polled once per turn; it must not block
     * @return whether {@code granted} became true
     */
    boolean until(BooleanSupplier granted, Deadline deadline) {
        if (!shouldSpin()) {
            return false;
        }
        long start = System.nanoTime();
        long limit = Math.min(nanos, deadline.remainingNanos());
        Thread thread = Thread.currentThread();
        int turns = 0;
        do {
            if (granted.getAsBoolean()) {
                spun.add(System.nanoTime() - start);
                penalty.set(1);
                skipping.set(0);
                return true;
            }
            if (++turns % TURNS_PER_YIELD == 0) {
                Thread.yield();
            }
            else {
                Thread.onSpinWait();
            }
        }
        while (System.nanoTime() - start < limit && !thread.isInterrupted());
        spun.add(System.nanoTime() - start);
        if (limit == nanos && !thread.isInterrupted()) {
            missed();
        }
        return false;
    }

    /** @return how long waiters spun in all, in nanoseconds (wall time) */
    long spunNanos() {
        return spun.sum();
    }

    private boolean shouldSpin() {
        if (nanos <= 0 || !severalProcessors || isVirtual(Thread.currentThread())) {
            return false;
        }
        return skipping.getAndUpdate(left -> Math.max(0, left - 1)) == 0;
    }

    private void missed() {
        int skip = penalty.getAndUpdate(current -> Math.min(MAX_SKIPPED, current * 2));
        skipping.set(skip);
    }

    private static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        }
        catch (Throwable ex) {
            return false;
        }
    }

    /** {@code Thread.isVirtual()} where the JDK has it (21+); this library still runs on 17. */
    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        }
        catch (ReflectiveOperationException ex) {
            return null;
        }
    }
}
