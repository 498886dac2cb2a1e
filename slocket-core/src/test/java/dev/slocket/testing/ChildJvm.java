package dev.slocket.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real child JVM on the test class path, for cross-process tests. Its standard output and
 * error go to a log file; tests wait for lines it prints and signal it like an operator would.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;

    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} in a new JVM with the current class path.
     *
     * @param logDirectory where the child's output file goes
     * @param mainClass a class with a {@code main} method
     * @param args its arguments
     * @return the running child
     */
    public static ChildJvm start(Path logDirectory, Class<?> mainClass, String... args) throws IOException {
        return start(logDirectory, mainClass.getSimpleName(),
                List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()), args);
    }

    /**
     * Starts an executable jar in a new JVM, as {@code java -jar} would.
     *
     * @param logDirectory where the child's output file goes
     * @param jar the jar
     * @param args its arguments
     * @return the running child
     */
    public static ChildJvm startJar(Path logDirectory, Path jar, String... args) throws IOException {
        return start(logDirectory, "jar", List.of("-Xmx256m", "-jar", jar.toString()), args);
    }

    private static ChildJvm start(Path logDirectory, String label, List<String> launch, String... args)
            throws IOException {
        Path log = Files.createTempFile(logDirectory, label + "-", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx64m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Xshare:auto");
        command.addAll(launch);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ChildJvm(process, log);
    }

    /** @return the child's process id */
    public long pid() {
        return process.pid();
    }

    /** @return everything the child printed so far */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** @return the lines the child printed so far */
    public List<String> lines() {
        try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            return reader.lines().toList();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Waits until the child prints a line that contains {@code text}.
     *
     * @param text what to look for
     * @param timeout how long at most
     */
    public void awaitLine(String text, Duration timeout) {
        await().atMost(timeout)
                .pollInterval(Duration.ofMillis(10))
                .failFast("child exited: " + log, () -> !process.isAlive() && !output().contains(text))
                .until(() -> output().contains(text));
    }

    /** Sends SIGKILL: the child dies without running any cleanup. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM: the child runs its shutdown hooks. */
    public void terminate() {
        process.destroy();
    }

    /** Sends SIGSTOP: the child freezes. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Sends SIGCONT: a frozen child runs on. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + pid() + " failed");
        }
    }

    /**
     * @param timeout how long at most
     * @return the exit code
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child " + pid() + " still running after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** @return whether the child still runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            // a frozen child must be resumed before it can die of SIGKILL on some kernels
            try {
                resume();
            }
            catch (IOException ex) {
                // already gone
            }
            kill();
        }
    }
}
