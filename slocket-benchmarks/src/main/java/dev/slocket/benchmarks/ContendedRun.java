package dev.slocket.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs looping on one lock at once ({@code BenchmarkChild loop}), and what their logs say
 * about fairness over the whole run: the order of holders (the lock excludes, so the acquisition
 * times of all processes are strictly ordered on the machine's one monotonic clock), each
 * process's share, the handoffs to another process and their gaps, the longest wait, and how often
 * a waiter was overtaken: another process acquired twice between the waiter's call and its grant.
 * A handoff's gap counts only where the next holder already waited when the lock was released (it
 * had called {@code acquire}): otherwise the gap would also hold that process's own way back.
 *
 * @param handoffGaps from a release to the return of {@code acquire} in another process that already waited
 * @param toOther how many consecutive acquisitions went to another process
 * @param transitions how many consecutive pairs there were
 * @param toOtherWaited how many of the releases at which another process waited went to another process
 * @param waitedReleases at how many releases another process waited
 * @param shares each process's fraction of all acquisitions
 * @param longestWaitNanos the longest time from a call to {@code acquire} to its return
 * @param overtaken how many acquisitions were overtaken
 * @param perSecond acquisitions per second, all processes together
 */
record ContendedRun(Stats handoffGaps, int toOther, int transitions, int toOtherWaited, int waitedReleases,
        double[] shares, long longestWaitNanos, int overtaken, double perSecond) {

    /**
     * How long the processes take turns on the shared name before a warmed run is recorded: a JVM's
     * first contended acquisition loads and links the whole waiting path (18-25 ms measured at the
     * start of a run, while the other process had the lock to itself for some 200 turns), which
     * warming up on a name of its own does not reach; and the JIT then keeps compiling that path for
     * seconds (with {@code -XX:+PrintCompilation}, two socket children at a 50 µs hold compiled 300-400
     * methods a second in their first 2 s of turns and under 35 a second from the fifth second on),
     * taking the CPU that the next holder needs. A warmed run starts after that; the cold run does not
     * ({@link #COLD_CONTENDED_WARM_UP_NANOS}).
     */
    static final long CONTENDED_WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(
            Long.getLong("contendedWarmUpSeconds", 5));

    /** The same for the run after a short warm-up: only the first contended acquisitions are left out. */
    static final long COLD_CONTENDED_WARM_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** One acquisition in a child's log. */
    private record Hold(int process, long call, long acquired, long released) {
    }

    /**
     * @param mechanism socket, file or channel
     * @param criticalFile a counter file to read and rewrite inside each hold, or {@code null} to spin
     * @param warmUp the cycles each child runs on a name of its own first
     * @param contendedWarmUpNanos how long the children take turns before the recorded run starts
     */
    static ContendedRun of(Path work, String label, String mechanism, int processes, double seconds, long holdNanos,
            Path criticalFile, int warmUp, long contendedWarmUpNanos) throws Exception {
        Path lockDir = Files.createDirectories(work.resolve(label));
        Path go = work.resolve(label + ".go");
        List<ChildProcess> children = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            children.add(ChildProcess.start(work, "loop", mechanism, lockDir.toString(), Double.toString(seconds),
                    Long.toString(holdNanos), criticalFile == null ? "-" : criticalFile.toString(),
                    Integer.toString(warmUp), go.toString(), work.resolve(label + "-" + i + ".txt").toString()));
        }
        for (ChildProcess child : children) {
            child.awaitLine("READY");
        }
        Path going = work.resolve(label + ".go.tmp");
        Files.writeString(going, Long.toString(System.nanoTime() + contendedWarmUpNanos));
        Files.move(going, go, StandardCopyOption.ATOMIC_MOVE);
        List<Hold> holds = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            children.get(i).awaitLine("DONE");
            for (String line : Files.readAllLines(work.resolve(label + "-" + i + ".txt"))) {
                String[] parts = line.split(" ");
                holds.add(new Hold(i, Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])));
            }
        }
        holds.sort(Comparator.comparingLong(Hold::acquired));
        return analyse(holds, processes);
    }

    private static ContendedRun analyse(List<Hold> holds, int processes) {
        int[] counts = new int[processes];
        List<Long> gaps = new ArrayList<>();
        int toOther = 0;
        int toOtherWaited = 0;
        int waitedReleases = 0;
        long longestWait = 0;
        int overtaken = 0;
        for (int k = 0; k < holds.size(); k++) {
            Hold hold = holds.get(k);
            counts[hold.process()]++;
            longestWait = Math.max(longestWait, hold.acquired() - hold.call());
            if (k > 0) {
                Hold previous = holds.get(k - 1);
                boolean other = previous.process() != hold.process();
                toOther += other ? 1 : 0;
                if (anotherWaited(holds, k, processes)) {
                    waitedReleases++;
                    toOtherWaited += other ? 1 : 0;
                }
                if (other && hold.call() < previous.released()) {
                    gaps.add(hold.acquired() - previous.released());
                }
            }
            int[] during = new int[processes];
            for (int j = k - 1; j >= 0 && holds.get(j).acquired() > hold.call(); j--) {
                if (++during[holds.get(j).process()] == 2) {
                    overtaken++;
                    break;
                }
            }
        }
        double[] shares = new double[processes];
        for (int i = 0; i < processes; i++) {
            shares[i] = (double) counts[i] / holds.size();
        }
        long span = holds.get(holds.size() - 1).released() - holds.get(0).acquired();
        long[] gapNanos = gaps.isEmpty() ? new long[] { 0 } : gaps.stream().mapToLong(Long::longValue).toArray();
        return new ContendedRun(Stats.of(gapNanos), toOther, holds.size() - 1, toOtherWaited, waitedReleases, shares,
                longestWait, overtaken, holds.size() / (span / 1e9));
    }

    /** @return whether a process other than the holder of {@code holds[k - 1]} had called when it released */
    private static boolean anotherWaited(List<Hold> holds, int k, int processes) {
        Hold previous = holds.get(k - 1);
        boolean[] seen = new boolean[processes];
        seen[previous.process()] = true;
        int unseen = processes - 1;
        for (int j = k; j < holds.size() && unseen > 0; j++) {
            Hold next = holds.get(j);
            if (!seen[next.process()]) {
                // a process's holds do not overlap: its first one after the release is the one it waited for
                if (next.call() < previous.released()) {
                    return true;
                }
                seen[next.process()] = true;
                unseen--;
            }
        }
        return false;
    }

    /** @return the shares as "48.9 / 51.1 %" */
    String sharesText() {
        StringBuilder text = new StringBuilder();
        for (double share : shares) {
            text.append(text.length() == 0 ? "" : " / ").append(String.format("%.1f", 100 * share));
        }
        return text.append(" %").toString();
    }

    double toOtherPercent() {
        return 100.0 * toOther / transitions;
    }

    double toOtherWaitedPercent() {
        return 100.0 * toOtherWaited / Math.max(1, waitedReleases);
    }
}
