package dev.slocket.benchmarks.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The signals the run sent to each worker, one file per pid: the run appends a line before it
 * sends SIGKILL, SIGTERM or SIGSTOP and after SIGCONT took effect; a worker that finds another
 * process's occupancy marker reads it to tell a killed, terminated or frozen holder from a live
 * one. Times are {@link System#nanoTime()}, the same monotonic clock in every process of the host.
 */
final class FaultLog {

    enum Signal {
        KILL, TERM, STOP, CONT
    }

    private final Path directory;

    FaultLog(Path runDirectory) {
        this.directory = runDirectory.resolve("faults");
    }

    void create() throws IOException {
        Files.createDirectories(directory);
    }

    void record(long pid, Signal signal, long nanos) {
        try {
            Files.writeString(directory.resolve(Long.toString(pid)), signal + " " + nanos + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Forgets what was sent to an earlier process with this pid: {@code pid} is a new worker's. */
    void clear(long pid) {
        try {
            Files.deleteIfExists(directory.resolve(Long.toString(pid)));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** @return what was sent to {@code pid} so far */
    History read(long pid) {
        try {
            return new History(Files.readAllLines(directory.resolve(Long.toString(pid))));
        }
        catch (NoSuchFileException ex) {
            return new History(List.of());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The signals one process received, in the order they were sent. */
    record History(List<String> lines) {

        boolean contains(Signal signal) {
            return lines.stream().anyMatch(line -> line.startsWith(signal + " "));
        }

        /** @return when {@code signal} was first sent, or -1 */
        long first(Signal signal) {
            return lines.stream().filter(line -> line.startsWith(signal + " ")).mapToLong(History::nanos)
                    .findFirst().orElse(-1);
        }

        /**
         * @param from the start of the interval, e.g. when the process entered
         * @param until the end of the interval
         * @return the longest time the process spent stopped within the interval
         */
        long longestFreeze(long from, long until) {
            long longest = 0;
            long stoppedAt = -1;
            for (String line : lines) {
                long at = nanos(line);
                if (line.startsWith(Signal.STOP + " ")) {
                    stoppedAt = at;
                }
                else if (line.startsWith(Signal.CONT + " ") && stoppedAt >= 0) {
                    longest = Math.max(longest, overlap(stoppedAt, at, from, until));
                    stoppedAt = -1;
                }
            }
            if (stoppedAt >= 0) {
                longest = Math.max(longest, overlap(stoppedAt, until, from, until));
            }
            return longest;
        }

        private static long overlap(long start, long end, long from, long until) {
            return Math.max(0, Math.min(end, until) - Math.max(start, from));
        }

        private static long nanos(String line) {
            return Long.parseLong(line.substring(line.indexOf(' ') + 1));
        }
    }
}
