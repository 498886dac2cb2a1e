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

    private ChaosRun() {
    }

    public static void main(String[] args) throws Exception {
        String[] settings = Arrays.copyOfRange(args, 1, args.length);
        List<ChaosConfig> runs = new ArrayList<>();
        if (args[0].equals("long")) {
            runs.add(withCycles(ChaosBackend.SOCKET, 1_000_000, settings));
            runs.add(withCycles(ChaosBackend.FILE, 100_000, settings));
            runs.add(withCycles(ChaosBackend.S3, 100_000, settings));
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

    private static ChaosConfig withCycles(ChaosBackend backend, long cycles, String[] settings) {
        String[] all = Arrays.copyOf(settings, settings.length + 1);
        all[settings.length] = "cycles=" + cycles;
        return ChaosConfig.parse(backend, all);
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
        try (Fleet fleet = new Fleet(runDirectory, tally, faultLog)) {
            new WorkerSettings(config.backend(), runDirectory, runDirectory.resolve("locks"),
                    server == null ? "" : server.endpoint().toString(), config.threads(), config.names(),
                    config.holdMax(), config.progressWindow().dividedBy(2)).write();
            fleet.start(config.processes());
            fleet.awaitReady(Duration.ofMinutes(2));
            FaultLoop faults = new FaultLoop(config, fleet, server, tally);
            long start = System.nanoTime();
            faults.start();
            while (!finished(config, System.nanoTime() - start, fleet.cycles())) {
                TimeUnit.MILLISECONDS.sleep(100);
                fleet.checkProgress(config.progressWindow(), faults.serverBackAt());
                faults.checkRecovery();
            }
            faults.stop();
            elapsed = System.nanoTime() - start;
            fleet.stop(config.progressWindow().multipliedBy(3));
            cycles = fleet.cycles();
        }
        finally {
            if (server != null) {
                server.close();
            }
        }
        ChaosReport report = ChaosReport.of(config, elapsed, cycles, tally, runDirectory);
        if (report.passed()) {
            delete(runDirectory);
            return ChaosReport.of(config, elapsed, cycles, tally, null);
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

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
