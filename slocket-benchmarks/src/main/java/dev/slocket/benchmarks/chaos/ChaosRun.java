package dev.slocket.benchmarks.chaos;

import dev.slocket.s3.S3ProxyServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Chaos across processes: runs {@link ChaosWorker} processes on one backend while
 * {@link FaultLoop} kills, terminates and freezes them (and the S3 server), and reports every
 * guarantee with how often it was checked and broken.
 *
 * <p>Arguments: {@code socket|file|s3|memory [key=value ...]} for one run (keys in
 * {@link ChaosConfig#parse}), or {@code long [key=value ...]} for the documented long runs:
 * socket until 1,000,000 critical sections, file and S3 until 100,000 each. Exits with 1 if any
 * run broke a guarantee.
 */
public final class ChaosRun {

    private static final Duration NOTE_EVERY = Duration.ofSeconds(30);

    private ChaosRun() {
    }

    public static void main(String[] args) throws Exception {
        String[] settings = Arrays.copyOfRange(args, 1, args.length);
        List<ChaosConfig> runs = new ArrayList<>();
        if (args[0].equals("long")) {
            runs.add(longRun(ChaosBackend.SOCKET, "cycles=1000000", "names=8", settings));
            runs.add(longRun(ChaosBackend.FILE, "cycles=100000", "names=8", settings));
            runs.add(longRun(ChaosBackend.S3, "cycles=100000", "names=16", settings));
        }
        else {
            runs.add(ChaosConfig.parse(ChaosBackend.of(args[0]), settings));
        }
        boolean passed = true;
        for (ChaosConfig config : runs) {
            ChaosReport report = run(config);
            System.out.print(report.format());
            System.out.flush();
            passed &= report.passed();
        }
        System.exit(passed ? 0 : 1);
    }

    /** A long run: a fault every 1-3 s, so that the workers spend most of the run cycling, not starting. */
    private static ChaosConfig longRun(ChaosBackend backend, String cycles, String names, String[] settings) {
        List<String> all = new ArrayList<>(List.of(cycles, names, "faultMinMillis=1000", "faultMaxMillis=3000"));
        all.addAll(Arrays.asList(settings));
        return ChaosConfig.parse(backend, all.toArray(String[]::new));
    }

    /**
     * Runs one chaos run. Its working files go to a new directory under {@code java.io.tmpdir},
     * kept only if the run fails.
     *
     * @param config the run
     * @return what it found
     */
    public static ChaosReport run(ChaosConfig config) throws IOException, InterruptedException {
        Path runDirectory = Files.createTempDirectory("slocket-chaos-");
        Tally tally = new Tally();
        FaultLog faultLog = new FaultLog(runDirectory);
        faultLog.create();
        Occupancy.createNames(runDirectory, config.names());
        S3ProxyServer server = config.backend() == ChaosBackend.S3 ? startServer() : null;
        long elapsed;
        long cycles;
        long workers;
        Fleet fleet = new Fleet(runDirectory, tally, faultLog);
        // a run stopped from outside must not leave frozen workers or the server behind
        Thread cleanup = new Thread(() -> {
            fleet.close();
            if (server != null) {
                server.close();
            }
        }, "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (fleet) {
            new WorkerSettings(config.backend(), runDirectory, runDirectory.resolve("locks"),
                    server == null ? "" : server.endpoint().toString(), config.threads(), config.names(),
                    config.holdMax(), config.progressWindow().dividedBy(2)).write();
            fleet.start(config.processes());
            fleet.awaitReady(Duration.ofMinutes(2));
            FaultLoop faults = new FaultLoop(config, fleet, server, tally);
            long start = System.nanoTime();
            long nextNote = start + NOTE_EVERY.toNanos();
            faults.start();
            while (!finished(config, System.nanoTime() - start, fleet.cycles())) {
                TimeUnit.MILLISECONDS.sleep(100);
                fleet.checkProgress(config.progressWindow(), faults.serverBackAt());
                faults.checkRecovery();
                if (System.nanoTime() > nextNote) {
                    nextNote += NOTE_EVERY.toNanos();
                    System.err.printf(Locale.ROOT, "[chaos %s] %d s: %d critical sections, violations %s, errors %d%n",
                            config.backend().id(), (System.nanoTime() - start) / 1_000_000_000L, fleet.cycles(),
                            tally.violations(), tally.errorCount());
                }
            }
            faults.stop();
            elapsed = System.nanoTime() - start;
            fleet.stop(config.progressWindow().multipliedBy(3));
            cycles = fleet.cycles();
            workers = fleet.started();
        }
        finally {
            if (server != null) {
                server.close();
            }
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        ChaosReport report = ChaosReport.of(config, elapsed, cycles, workers, tally, runDirectory);
        if (report.passed()) {
            delete(runDirectory);
            return ChaosReport.of(config, elapsed, cycles, workers, tally, null);
        }
        return report;
    }

    private static boolean finished(ChaosConfig config, long elapsedNanos, long cycles) {
        if (elapsedNanos >= config.maxDuration().toNanos()) {
            return true;
        }
        return elapsedNanos >= config.duration().toNanos() && cycles >= config.minCycles();
    }

    private static S3ProxyServer startServer() throws IOException {
        S3ProxyServer server = S3ProxyServer.create();
        server.start();
        server.createBucket(ChaosBackend.S3_BUCKET);
        return server;
    }

    static void delete(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
