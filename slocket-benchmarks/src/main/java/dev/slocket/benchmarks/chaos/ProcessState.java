package dev.slocket.benchmarks.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What {@code /proc/<pid>/stat} says about a process: its scheduler state and start time (which
 * tells a reused pid apart). Zombies count as dead: a SIGKILLed holder's files are closed, so its
 * locks are free, before its parent reaps it.
 *
 * @param state R, S, D, T (stopped by a signal), Z (zombie), ...
 * @param startTicks field 22, clock ticks after boot
 */
record ProcessState(char state, long startTicks) {

    /** @return this process's state */
    static ProcessState self() {
        return of(ProcessHandle.current().pid());
    }

    /** @return the state of {@code pid}, or {@code null} if no such process exists */
    static ProcessState of(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        }
        catch (NoSuchFileException ex) {
            return null;
        }
        catch (IOException ex) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat", ex);
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, the last ')' ends it
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new ProcessState(fields[0].charAt(0), Long.parseLong(fields[19]));
    }

    /**
     * @param pid a process id
     * @param startTicks the start time recorded when that process was seen alive
     * @return whether that very process still runs or is stopped: not exited, not a zombie, and
     *         not past closing its files (an exiting process closes its files, and so gives up a
     *         socket lock, before its main thread turns zombie)
     */
    static boolean isAlive(long pid, long startTicks) {
        ProcessState state = of(pid);
        return state != null && state.startTicks == startTicks && state.state != 'Z' && state.state != 'X'
                && hasOpenFiles(pid);
    }

    private static boolean hasOpenFiles(long pid) {
        try (Stream<Path> files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return files.findAny().isPresent();
        }
        catch (IOException ex) {
            return false;
        }
    }
}
