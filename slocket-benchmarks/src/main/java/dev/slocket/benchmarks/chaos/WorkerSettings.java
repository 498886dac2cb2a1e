package dev.slocket.benchmarks.chaos;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * What every worker process of one run needs to know, written by the run into
 * {@code run.properties} of the run directory.
 *
 * @param backend the backend
 * @param runDirectory occupancy markers, fault log, the stop file
 * @param lockDirectory the socket or file backend's lock directory
 * @param endpoint the S3 server, or empty
 * @param threads threads per process, each taking random names in a loop
 * @param names how many lock names ({@code n0}, {@code n1}, ...)
 * @param holdMax each hold lasts a random time up to this (parked, like a critical section waiting for I/O)
 * @param acquireWait the wait of one {@code acquire} call; a timeout is counted, not a violation
 */
record WorkerSettings(ChaosBackend backend, Path runDirectory, Path lockDirectory, String endpoint, int threads,
        int names, Duration holdMax, Duration acquireWait) {

    private static final String FILE = "run.properties";

    void write() throws IOException {
        Properties properties = new Properties();
        properties.setProperty("backend", backend.id());
        properties.setProperty("lockDirectory", lockDirectory.toString());
        properties.setProperty("endpoint", endpoint);
        properties.setProperty("threads", Integer.toString(threads));
        properties.setProperty("names", Integer.toString(names));
        properties.setProperty("holdMax", holdMax.toString());
        properties.setProperty("acquireWait", acquireWait.toString());
        try (Writer writer = Files.newBufferedWriter(runDirectory.resolve(FILE))) {
            properties.store(writer, "chaos run");
        }
    }

    static WorkerSettings read(Path runDirectory) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(runDirectory.resolve(FILE))) {
            properties.load(reader);
        }
        return new WorkerSettings(ChaosBackend.of(properties.getProperty("backend")), runDirectory,
                Path.of(properties.getProperty("lockDirectory")), properties.getProperty("endpoint"),
                Integer.parseInt(properties.getProperty("threads")), Integer.parseInt(properties.getProperty("names")),
                Duration.parse(properties.getProperty("holdMax")), Duration.parse(properties.getProperty("acquireWait")));
    }

    /** @return the lock name of index {@code i} */
    static String name(int i) {
        return "n" + i;
    }
}
