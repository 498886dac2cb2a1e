package dev.slocket.testing;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The threads of the JVM-wide fallback pool that runs blocking acquisitions for backends without
 * a native {@code acquireAsync} ({@code spi.BlockingAcquisition}): a backend that waits without a
 * thread per waiter neither creates one nor keeps one busy.
 */
public final class BlockingPoolThreads {

    private static final String PREFIX = "slocket-blocking-acquire-";

    private static final String RUN_FRAME = "dev.slocket.spi.BlockingAcquisition.run";

    private final Set<Thread> before;

    private BlockingPoolThreads(Set<Thread> before) {
        this.before = before;
    }

    /** @return the pool's threads alive now, to compare with later */
    public static BlockingPoolThreads snapshot() {
        return new BlockingPoolThreads(new HashSet<>(poolThreads()));
    }

    /** @return the pool's threads created since the snapshot or running a blocking acquisition now, by name */
    public List<String> usedSinceSnapshot() {
        return poolThreads().stream().filter(thread -> !before.contains(thread) || acquiring(thread))
                .map(Thread::getName).toList();
    }

    private static List<Thread> poolThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().startsWith(PREFIX))
                .toList();
    }

    private static boolean acquiring(Thread thread) {
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> (frame.getClassName() + "." + frame.getMethodName()).equals(RUN_FRAME));
    }
}
