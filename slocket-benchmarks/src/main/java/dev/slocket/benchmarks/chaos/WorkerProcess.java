package dev.slocket.benchmarks.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ChaosWorker} child JVM as the run sees it: its progress, read from its standard output
 * by a thread of its own, and the signals the run sends it.
 */
final class WorkerProcess {

    private final Process process;

    private final long startedAt;

    private volatile long readyAt;

    private volatile long cycles;

    private volatile long lastCycle;

    private volatile boolean frozen;

    private volatile boolean leaving;

    /** When the run last let this worker off the progress check (resumed, or reported stuck). */
    private volatile long excusedAt;

    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private WorkerProcess(Process process, long startedAt) {
        this.process = process;
        this.startedAt = startedAt;
    }

    static WorkerProcess start(Path runDirectory, Tally tally) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"), ChaosWorker.class.getName(), runDirectory.toString());
        Path output = Files.createTempFile(runDirectory, "worker-", ".out");
        long startedAt = System.nanoTime();
        // the output goes to a file that a thread tails: a pipe's last lines can be lost when the JDK
        // drains it at the child's exit while another thread reads it
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(runDirectory.resolve("workers.err").toFile()))
                .start();
        WorkerProcess worker = new WorkerProcess(process, startedAt);
        Thread reader = new Thread(() -> worker.tail(output, tally), "chaos-read-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        return worker;
    }

    private void tail(Path output, Tally tally) {
        try (FileChannel out = FileChannel.open(output, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean exited = false;
            while (true) {
                if (out.read(buffer.clear()) > 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        byte next = buffer.get();
                        if (next == '\n') {
                            accept(line.toString(StandardCharsets.UTF_8), tally);
                            line.reset();
                        }
                        else {
                            line.write(next);
                        }
                    }
                }
                else if (exited) {
                    return;
                }
                else {
                    // read once more after the exit: the file then holds all the child printed
                    exited = process.waitFor(20, TimeUnit.MILLISECONDS);
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            tally.error("reading worker " + pid() + ": " + ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        finally {
            ended.complete(null);
        }
    }

    private void accept(String line, Tally tally) {
        if (line.equals("READY")) {
            readyAt = System.nanoTime();
            tally.latency("worker-start-to-ready", readyAt - startedAt);
        }
        else if (line.equals("DONE")) {
            done.complete(null);
        }
        else if (line.startsWith("S ")) {
            String[] fields = line.split(" ");
            cycles = Long.parseLong(fields[1]);
            lastCycle = Long.parseLong(fields[2]);
        }
        else {
            tally.accept(pid(), line);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isReady() {
        return readyAt != 0;
    }

    /** @return whether the run may pick this worker for a fault */
    boolean isAvailable() {
        return isReady() && !frozen && !leaving && process.isAlive();
    }

    /** @return whether the worker was killed, terminated or asked to stop */
    boolean isLeaving() {
        return leaving;
    }

    boolean isFrozen() {
        return frozen;
    }

    long cycles() {
        return cycles;
    }

    long lastCycle() {
        return lastCycle;
    }

    /** @return completes when the worker exited and the run read all it printed */
    CompletableFuture<Void> ended() {
        return ended;
    }

    /**
     * @param now the current {@link System#nanoTime()}
     * @param window how long a running worker may go without completing a critical section
     * @param excusedUntil the end of an outage that stopped everyone (S3 server down), or 0
     * @return how long this worker has made no progress, if that is longer than {@code window}; else 0
     */
    long stalledFor(long now, long window, long excusedUntil) {
        if (!isReady() || frozen || leaving || !process.isAlive()) {
            return 0;
        }
        long since = Math.max(Math.max(readyAt, lastCycle), Math.max(excusedAt, excusedUntil));
        if (now - since <= window) {
            return 0;
        }
        excusedAt = now;
        return now - since;
    }

    void kill() {
        leaving = true;
        process.destroyForcibly();
    }

    void terminate() {
        leaving = true;
        process.destroy();
    }

    void freeze() throws IOException, InterruptedException {
        frozen = true;
        signal("STOP");
    }

    void resume() throws IOException, InterruptedException {
        signal("CONT");
        excusedAt = System.nanoTime();
        frozen = false;
    }

    /** Asks the worker to finish its holds and exit. */
    void stop() {
        leaving = true;
        try {
            OutputStream in = process.getOutputStream();
            in.write("STOP\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        catch (IOException ex) {
            // already gone
        }
    }

    /** @return whether the worker printed DONE and exited within the timeout */
    boolean awaitDone(long timeoutMillis) throws InterruptedException {
        try {
            done.get(timeoutMillis, TimeUnit.MILLISECONDS);
            return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException | TimeoutException ex) {
            return false;
        }
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + pid() + " failed");
        }
    }
}
