package dev.slocket.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link BenchmarkChild} JVM with its output in a file. */
record ChildProcess(Process process, Path log) {

    static ChildProcess start(Path work, String... args) throws IOException {
        return start(work, List.of(), args);
    }

    /** @param prefix what the JVM's command line starts with, such as a {@link CpuPinning} */
    static ChildProcess start(Path work, List<String> prefix, String... args) throws IOException {
        Path log = Files.createTempFile(work, "child-", ".log");
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), BenchmarkChild.class.getName()));
        command.addAll(List.of(args));
        return new ChildProcess(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(),
                log);
    }

    void awaitLine(String text) throws Exception {
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.readString(log).contains(text)) {
            if (!process.isAlive() || System.nanoTime() > giveUp) {
                throw new IllegalStateException("child did not print " + text + ":\n" + Files.readString(log));
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    void awaitExit() throws InterruptedException {
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
