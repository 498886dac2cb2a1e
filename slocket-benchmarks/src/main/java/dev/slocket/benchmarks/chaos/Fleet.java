package dev.slocket.benchmarks.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The worker processes of a run: starts them, replaces those that die, sends them signals (each
 * logged in the {@link FaultLog} first), watches their progress and stops them at the end.
 */
final class Fleet implements AutoCloseable {

    private final Path runDirectory;

    private final Tally tally;

    private final FaultLog faultLog;

    private final List<WorkerProcess> workers = new CopyOnWriteArrayList<>();

    private final LongAdder retiredCycles = new LongAdder();

    private final LongAdder started = new LongAdder();

    private final ScheduledExecutorService resumer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "chaos-resume");
        thread.setDaemon(true);
        return thread;
    });

    private volatile boolean stopping;

    Fleet(Path runDirectory, Tally tally, FaultLog faultLog) {
        this.runDirectory = runDirectory;
        this.tally = tally;
        this.faultLog = faultLog;
    }

    void start(int count) {
        for (int i = 0; i < count; i++) {
            startOne();
        }
    }

    private void startOne() {
        WorkerProcess worker;
        try {
            worker = WorkerProcess.start(runDirectory, tally);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        started.increment();
        faultLog.clear(worker.pid());
        workers.add(worker);
        worker.ended().thenRun(() -> {
            workers.remove(worker);
            retiredCycles.add(worker.cycles());
            if (!stopping) {
                startOne();
            }
        });
    }

    void awaitReady(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (!workers.stream().allMatch(WorkerProcess::isReady)) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("workers not ready within " + timeout + ", see "
                        + runDirectory.resolve("workers.err"));
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** @return a worker that is ready, running and not already hit by a fault */
    Optional<WorkerProcess> pick(Random random) {
        List<WorkerProcess> candidates = workers.stream().filter(WorkerProcess::isAvailable).toList();
        return candidates.isEmpty() ? Optional.empty()
                : Optional.of(candidates.get(random.nextInt(candidates.size())));
    }

    long frozenCount() {
        return workers.stream().filter(WorkerProcess::isFrozen).count();
    }

    void kill(WorkerProcess worker) {
        faultLog.record(worker.pid(), FaultLog.Signal.KILL, System.nanoTime());
        worker.kill();
    }

    void terminate(WorkerProcess worker) {
        long at = System.nanoTime();
        faultLog.record(worker.pid(), FaultLog.Signal.TERM, at);
        worker.terminate();
        worker.ended().thenRun(() -> tally.latency("sigterm-to-exit", System.nanoTime() - at));
    }

    /** Stops {@code worker} with SIGSTOP and schedules its SIGCONT. */
    void freeze(WorkerProcess worker, Duration duration) throws IOException, InterruptedException {
        faultLog.record(worker.pid(), FaultLog.Signal.STOP, System.nanoTime());
        worker.freeze();
        resumer.schedule(() -> resume(worker), duration.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void resume(WorkerProcess worker) {
        try {
            worker.resume();
            faultLog.record(worker.pid(), FaultLog.Signal.CONT, System.nanoTime());
        }
        catch (IOException ex) {
            tally.error("SIGCONT of " + worker.pid() + " failed: " + ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return how many workers were started, replacements included */
    long started() {
        return started.sum();
    }

    /** @return critical sections completed by every worker that ran so far */
    long cycles() {
        return retiredCycles.sum() + workers.stream().mapToLong(WorkerProcess::cycles).sum();
    }

    /** @return the earliest last cycle after {@code nanos} among the workers, or -1 if none completed one since */
    long earliestCycleAfter(long nanos) {
        return workers.stream().mapToLong(WorkerProcess::lastCycle).filter(last -> last > nanos).min().orElse(-1);
    }

    /** Reports every worker that is not stopped and made no progress for longer than {@code window}. */
    void checkProgress(Duration window, long excusedUntil) {
        long now = System.nanoTime();
        for (WorkerProcess worker : workers) {
            long stalled = worker.stalledFor(now, window.toNanos(), excusedUntil);
            if (stalled > 0) {
                tally.violation("stuck", String.format(Locale.ROOT,
                        "pid %d completed no critical section for %.1f s while running (%d cycles so far)",
                        worker.pid(), stalled / 1e9, worker.cycles()));
            }
        }
    }

    /**
     * Resumes frozen workers, asks every worker to finish and waits for each; one that does not
     * finish within {@code timeout} is a stuck worker and is killed.
     */
    void stop(Duration timeout) throws InterruptedException {
        stopping = true;
        resumer.shutdownNow();
        for (WorkerProcess worker : workers) {
            if (worker.isFrozen()) {
                resume(worker);
            }
        }
        List<WorkerProcess> asked = workers.stream().filter(worker -> !worker.isLeaving()).toList();
        asked.forEach(WorkerProcess::stop);
        for (WorkerProcess worker : workers) {
            if (asked.contains(worker) && !worker.awaitDone(timeout.toMillis())) {
                tally.violation("stuck", "pid " + worker.pid() + " did not finish within " + timeout
                        + " of being asked to stop");
                worker.kill();
            }
            worker.ended().join();
        }
    }

    @Override
    public void close() {
        stopping = true;
        resumer.shutdownNow();
        workers.forEach(WorkerProcess::kill);
    }
}
