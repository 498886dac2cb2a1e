package dev.slocket.benchmarks.chaos;

import dev.slocket.HeldLock;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The checks a worker makes around each critical section, per name in {@code names/<name>/} of
 * the run directory:
 * <ul>
 * <li>{@code occupied}: created on entry as a hard link to a draft (so it fails if it exists, like
 * {@code CREATE_NEW}, and never shows half its content), holding
 * "pid start-ticks token entry-nanos acquire-call-nanos", taken away again on exit. An entrant that finds it judges
 * its owner: dead (killed or exited holder, counted), told of its loss ({@code lost-<token>}
 * exists, counted), frozen longer than the backend's takeover floor since it called {@code acquire}
 * (counted; the holder itself must then find {@code isHeld() == false}), or else a
 * <b>double holder</b>.</li>
 * <li>{@code last}: "token pid release-nanos" of the last clean exit; with the marker found on
 * entry it gives the token the entrant must exceed and the handoff latency.</li>
 * <li>{@code lost-<token>}: written by the holder's {@code onLost} listener with the time of the loss.</li>
 * </ul>
 * A holder asks {@code isHeld()} whenever it finds another's marker or a higher token on entry,
 * and on exit after taking its marker away (an atomic rename; a holder that already knows it lost
 * the lock takes only a marker that reads as its own): {@code true} while another process entered
 * is a violation; {@code false} means the holder lost the lock, and its {@code onLost} listener
 * must have run by then.
 */
final class Occupancy {

    /** How long a holder that finds {@code isHeld() == false} waits for its {@code onLost} listener to finish. */
    private static final Duration LISTENER_GRACE = Duration.ofMillis(500);

    private final Path names;

    private final FaultLog faults;

    private final Duration takeoverFloor;

    private final WorkerStats stats;

    private final long pid = ProcessHandle.current().pid();

    private final long startTicks = ProcessState.self().startTicks();

    Occupancy(WorkerSettings settings, WorkerStats stats) {
        this.names = settings.runDirectory().resolve("names");
        this.faults = new FaultLog(settings.runDirectory());
        this.takeoverFloor = settings.backend().takeoverFloor();
        this.stats = stats;
    }

    static void createNames(Path runDirectory, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Files.createDirectories(runDirectory.resolve("names").resolve(WorkerSettings.name(i)));
        }
    }

    /** A hold in progress: the marker this process wrote. */
    record Entry(String name, long token, String marker, long waitStart) {
    }

    /** Whether {@code onLost} was called for one hold. */
    static final class LossWatch {

        private final CountDownLatch reported = new CountDownLatch(1);

        void reported() {
            reported.countDown();
        }

        boolean awaitReport(Duration timeout) throws InterruptedException {
            return reported.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** The {@code onLost} listener's part: leave the flag that tells an entrant the holder was told. */
    void flagLost(String name, long token) {
        try {
            Path directory = names.resolve(name);
            Files.move(writeDraft(directory, Long.toString(System.nanoTime())), directory.resolve("lost-" + token),
                    StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (IOException ex) {
            stats.error("cannot write the loss flag of " + name + ": " + ex);
        }
    }

    /**
     * Enters the critical section of {@code lock}, checking the marker and the token order.
     *
     * @param lock the lock just acquired
     * @param waitStart when the holder called {@code acquire}
     * @param entered when {@code acquire} returned
     * @return the entry, or {@code null} if the holder learnt from {@code isHeld()} that it lost
     *         the lock before it could enter (a holder stopped right after acquiring): it skips the section
     */
    Entry enter(HeldLock lock, long waitStart, long entered) throws IOException {
        String name = lock.name();
        long token = lock.fencingToken();
        Path directory = names.resolve(name);
        Path marker = directory.resolve("occupied");
        String mine = pid + " " + startTicks + " " + token + " " + entered + " " + waitStart;
        Path draft = writeDraft(directory, mine);
        Marker found = null;
        try {
            // a hard link appears with its whole content at once: no half-written marker, even after a SIGKILL
            Files.createLink(marker, draft);
            Files.delete(draft);
        }
        catch (FileAlreadyExistsException ex) {
            found = Marker.read(marker);
            String violation = found == null ? null : judge(name, found, token, entered);
            if (violation != null && refusedAfterLoss(lock)) {
                Files.delete(draft);
                return null;
            }
            if (violation != null) {
                report(violation, waitStart, found.pid + " was inside: ");
            }
            Files.move(draft, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        Last last = Last.read(directory.resolve("last"));
        long mustExceed = Math.max(last == null ? Long.MIN_VALUE : last.token, found == null ? Long.MIN_VALUE : found.token);
        if (token <= mustExceed) {
            if (refusedAfterLoss(lock)) {
                take(marker, directory);
                return null;
            }
            report("token-order " + String.format(Locale.ROOT, "pid %d entered %s with token %d, not above token %d"
                    + " of an earlier entry", pid, name, token, mustExceed), waitStart, "");
        }
        stats.count("entries");
        if (last != null && last.pid != pid && found == null) {
            stats.count("handoffs");
            if (waitStart < last.released) {
                stats.latency("handoff", entered - last.released);
            }
        }
        return new Entry(name, token, mine, waitStart);
    }

    /** A holder that finds another's marker or a higher token asks {@code isHeld()}: false means it knows it lost. */
    private boolean refusedAfterLoss(HeldLock lock) {
        if (lock.isHeld()) {
            return false;
        }
        stats.count("entries-refused-after-loss");
        return true;
    }

    /**
     * Reports "kind details"; a holder that was itself stopped past the takeover floor since it
     * called {@code acquire} and still believes it holds is reported as {@code held-after-takeover}:
     * its loss was not reported by the time it asked {@code isHeld()}.
     */
    private void report(String violation, long since, String context) {
        int space = violation.indexOf(' ');
        long frozen = faults.read(pid).longestFreeze(since, System.nanoTime());
        if (takeoverFloor != null && frozen >= takeoverFloor.toNanos()) {
            stats.violation("held-after-takeover", String.format(Locale.ROOT,
                    "pid %d was stopped %.1f ms after calling acquire, and isHeld() was still true when it found: %s%s",
                    pid, frozen / 1e6, context, violation.substring(space + 1)));
        }
        else {
            stats.violation(violation.substring(0, space), violation.substring(space + 1));
        }
    }

    /** @return {@code null} if entering over {@code found} is expected, else "kind details" of the violation */
    private String judge(String name, Marker found, long token, long entered) {
        FaultLog.History history = faults.read(found.pid);
        long killedAt = history.first(FaultLog.Signal.KILL);
        // SIGKILLed before we entered counts as dead even while the kernel still tears the process down
        boolean killed = killedAt >= 0 && killedAt <= entered;
        if (killed || !ProcessState.isAlive(found.pid, found.startTicks)) {
            if (killed) {
                stats.count("entries-after-killed-holder");
                stats.latency("recovery-after-sigkill", entered - killedAt);
            }
            else if (history.contains(FaultLog.Signal.TERM)) {
                stats.count("entries-after-terminated-holder");
                stats.latency("recovery-after-sigterm", entered - history.first(FaultLog.Signal.TERM));
            }
            else {
                stats.count("entries-after-exited-holder");
            }
            return null;
        }
        Path lostFlag = names.resolve(name).resolve("lost-" + found.token);
        Long lostAt = readNanos(lostFlag);
        if (lostAt != null) {
            stats.count("entries-after-reported-loss");
            stats.latency("entry-after-reported-loss", entered - lostAt);
            deleteQuietly(lostFlag);
            return null;
        }
        // frozen inside acquire counts too: a lock won before the pause may be taken over during it
        long frozen = history.longestFreeze(found.waitStart, entered);
        if (takeoverFloor != null && frozen >= takeoverFloor.toNanos()) {
            stats.count("takeovers-from-frozen-holder");
            stats.latency("takeover-after-freeze", frozen);
            return null;
        }
        ProcessState state = ProcessState.of(found.pid);
        String kind = history.contains(FaultLog.Signal.TERM) ? "double-holder-after-sigterm"
                : frozen > 0 ? "double-holder-frozen" : "double-holder";
        return kind + String.format(Locale.ROOT,
                " pid %d entered %s (token %d) while pid %d (token %d, entered %.1f ms earlier, state %s, frozen %.1f ms"
                        + " since it called acquire, no onLost) was inside",
                pid, name, token, found.pid, found.token, (entered - found.entered) / 1e6,
                state == null ? "gone" : Character.toString(state.state()), frozen / 1e6);
    }

    /**
     * Leaves the critical section: takes the marker away atomically (a rename), then asks
     * {@code isHeld()}. A marker that is not ours means another process entered meanwhile; if the
     * holder still believes it holds, that is a violation. A holder that already knows it lost
     * the lock ({@code isHeld()} is {@code false}, typically one stopped inside its section) takes
     * the marker only if it reads as its own: taking another holder's marker away, even for a
     * moment, would let that holder's own exit find none, and putting it back after that holder
     * left would show the next entrant a holder that is gone.
     */
    void exit(Entry entry, HeldLock lock, LossWatch loss) throws IOException, InterruptedException {
        Path directory = names.resolve(entry.name);
        Path marker = directory.resolve("occupied");
        if (!lock.isHeld() && !entry.marker.equals(readQuietly(marker))) {
            lost(entry, loss, false);
            return;
        }
        Path taken = directory.resolve("taken-" + pid + "-" + Thread.currentThread().getId());
        String found;
        try {
            Files.move(marker, taken, StandardCopyOption.ATOMIC_MOVE);
            found = Files.readString(taken);
        }
        catch (NoSuchFileException ex) {
            found = null;
        }
        boolean mine = entry.marker.equals(found);
        boolean held = lock.isHeld();
        if (mine) {
            Path draft = writeDraft(directory, entry.token + " " + pid + " " + System.nanoTime());
            Files.move(draft, directory.resolve("last"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            Files.delete(taken);
        }
        else if (found != null) {
            restore(taken, marker);
        }
        if (held) {
            if (!mine) {
                report("double-holder-seen-by-holder " + String.format(Locale.ROOT,
                        "pid %d: isHeld() is true for %s (token %d) but another process entered since: marker '%s'",
                        pid, entry.name, entry.token, found), entry.waitStart, "");
            }
            return;
        }
        lost(entry, loss, mine);
    }

    /** A holder that learnt of its loss on exit: {@code onLost} must have been called by then. */
    private void lost(Entry entry, LossWatch loss, boolean markerStillMine) throws InterruptedException {
        if (!loss.awaitReport(LISTENER_GRACE)) {
            stats.violation("lost-without-onLost", String.format(Locale.ROOT,
                    "pid %d: isHeld() turned false for %s (token %d) inside the critical section, and onLost was not"
                            + " called (released from under its holder?)",
                    pid, entry.name, entry.token));
        }
        stats.count(markerStillMine ? "losses-seen-inside" : "losses-seen-after-takeover");
    }

    /** Removes our own marker again (a holder that learnt of its loss on entry). */
    private void take(Path marker, Path directory) throws IOException {
        Path taken = directory.resolve("taken-" + pid + "-" + Thread.currentThread().getId());
        try {
            Files.move(marker, taken, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (NoSuchFileException ex) {
            return; // another holder's exit took it meanwhile
        }
        String found = Files.readString(taken);
        if (found.startsWith(pid + " " + startTicks + " ")) {
            Files.delete(taken);
        }
        else {
            restore(taken, marker);
        }
    }

    /** Puts back another entrant's marker taken by mistake, unless yet another one appeared meanwhile. */
    private static void restore(Path taken, Path marker) throws IOException {
        try {
            Files.createLink(marker, taken);
        }
        catch (FileAlreadyExistsException ex) {
            // a newer entrant's marker stays
        }
        Files.delete(taken);
    }

    /** Writes {@code content} to this thread's draft file in {@code directory}, to be linked or moved in place. */
    private Path writeDraft(Path directory, String content) throws IOException {
        Path draft = directory.resolve("draft-" + pid + "-" + Thread.currentThread().getId());
        Files.writeString(draft, content);
        return draft;
    }

    private static String readQuietly(Path file) throws IOException {
        try {
            return Files.readString(file);
        }
        catch (NoSuchFileException ex) {
            return null;
        }
    }

    private static Long readNanos(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        }
        catch (IOException | NumberFormatException ex) {
            return null;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException ex) {
            // a leftover flag only costs a file
        }
    }

    /** An occupancy marker as found on disk. */
    private record Marker(long pid, long startTicks, long token, long entered, long waitStart) {

        static Marker read(Path file) throws IOException {
            String content = readQuietly(file);
            if (content == null) {
                return null;
            }
            String[] fields = content.split(" ");
            return new Marker(Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]),
                    Long.parseLong(fields[3]), Long.parseLong(fields[4]));
        }
    }

    /** The last clean exit of a name. */
    private record Last(long token, long pid, long released) {

        static Last read(Path file) throws IOException {
            String content = readQuietly(file);
            if (content == null) {
                return null;
            }
            String[] fields = content.split(" ");
            return new Last(Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]));
        }
    }
}
