package dev.slocket.spring.actuate;

import dev.slocket.LockInfo;

import java.util.List;

/**
 * How many locks this instance holds and how many of its threads wait for one.
 *
 * @param held names held
 * @param waiting threads waiting: one per name awaited from the backend plus every local waiter
 */
public record LockCounts(int held, int waiting) {

    /**
     * @param locks what {@link dev.slocket.LockRegistry#locks()} returned
     * @return the counts
     */
    public static LockCounts of(List<LockInfo> locks) {
        int held = 0;
        int waiting = 0;
        for (LockInfo lock : locks) {
            if (lock.state() == LockInfo.State.HELD) {
                held++;
            }
            else {
                waiting++;
            }
            waiting += lock.localWaiters();
        }
        return new LockCounts(held, waiting);
    }
}
