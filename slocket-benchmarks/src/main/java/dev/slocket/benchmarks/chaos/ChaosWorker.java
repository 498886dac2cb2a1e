package dev.slocket.benchmarks.chaos;

import dev.slocket.HeldLock;
import dev.slocket.LockBackendException;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.SlocketException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One process of a chaos run: {@code threads} threads take random names of the run in a loop,
 * each hold checked by {@link Occupancy}, until the run writes {@code STOP} to standard input
 * (or closes it). Reports on standard output as {@link WorkerStats} describes.
 *
 * <p>Argument: the run directory (its {@code run.properties} holds the rest).
 */
public final class ChaosWorker {

    /** A status wake-up this much later than asked means the process was stopped. */
    private static final long FREEZE_SEEN_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private final WorkerSettings settings;

    private final WorkerStats stats;

    private final Occupancy occupancy;

    private final LockRegistry registry;

    private volatile boolean stopping;

    private ChaosWorker(WorkerSettings settings, WorkerStats stats, LockRegistry registry) {
        this.settings = settings;
        this.stats = stats;
        this.occupancy = new Occupancy(settings, stats);
        this.registry = registry;
    }

    public static void main(String[] args) throws Exception {
        WorkerSettings settings = WorkerSettings.read(Path.of(args[0]));
        WorkerStats stats = new WorkerStats(System.out);
        ChaosWorker worker = new ChaosWorker(settings, stats, open(settings, stats));
        worker.run();
    }

    /** Opens the registry; an S3 registry checks the bucket at once, so retry while the server is down. */
    private static LockRegistry open(WorkerSettings settings, WorkerStats stats) throws InterruptedException {
        while (true) {
            try {
                return settings.backend().open(settings);
            }
            catch (LockBackendException ex) {
                stats.count("open-retries");
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private void run() throws InterruptedException {
        daemon("stdin", this::awaitStop);
        daemon("status", this::reportStatus);
        stats.line("READY");
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < settings.threads(); i++) {
            Thread thread = new Thread(this::cycleUntilStopped, "chaos-" + i);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        registry.close();
        stats.flush();
        stats.line("DONE");
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitStop() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            do {
                line = in.readLine();
            }
            while (line != null && !line.equals("STOP"));
        }
        catch (IOException ex) {
            // the run is gone: stop as well
        }
        stopping = true;
    }

    private void reportStatus() {
        long asked = System.nanoTime();
        while (true) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WorkerStats.FLUSH_MILLIS));
            long now = System.nanoTime();
            if (now - asked > TimeUnit.MILLISECONDS.toNanos(WorkerStats.FLUSH_MILLIS) + FREEZE_SEEN_NANOS) {
                stats.resumed(now);
            }
            asked = now;
            stats.flush();
        }
    }

    private void cycleUntilStopped() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stopping) {
            String name = WorkerSettings.name(random.nextInt(settings.names()));
            try {
                cycle(name, random);
            }
            catch (LockTimeoutException ex) {
                stats.count("acquire-timeouts");
            }
            catch (LockBackendException ex) {
                stats.count("backend-errors");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            catch (SlocketException ex) {
                // closed by the JVM's shutdown (SIGTERM) or broken: either way this thread is done
                if (!stopping && !shuttingDown()) {
                    stats.error(Thread.currentThread().getName() + " ends: " + ex);
                }
                return;
            }
            catch (IOException | InterruptedException | RuntimeException ex) {
                stats.error(Thread.currentThread().getName() + " ends: " + ex);
                return;
            }
        }
    }

    /** @return whether the JVM runs its shutdown hooks (it refuses new ones then) */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        }
        catch (IllegalStateException ex) {
            return true;
        }
    }

    private void cycle(String name, ThreadLocalRandom random) throws IOException, InterruptedException {
        long waitStart = System.nanoTime();
        HeldLock lock = registry.acquire(name, settings.acquireWait());
        long entered = System.nanoTime();
        stats.latency("acquire", entered - waitStart);
        try {
            long token = lock.fencingToken();
            Occupancy.LossWatch loss = new Occupancy.LossWatch();
            lock.onLost(lost -> {
                occupancy.flagLost(name, token);
                loss.reported();
            });
            Occupancy.Entry entry = occupancy.enter(lock, waitStart, entered);
            if (entry == null) {
                return;
            }
            long hold = random.nextLong(settings.holdMax().toNanos() + 1);
            if (hold > 0) {
                LockSupport.parkNanos(hold);
            }
            occupancy.exit(entry, lock, loss);
        }
        finally {
            lock.release();
        }
        stats.cycle(System.nanoTime());
    }
}
