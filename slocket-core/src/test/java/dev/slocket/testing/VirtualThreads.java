package dev.slocket.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Virtual threads (JDK 21 and later) for tests compiled for Java 17, with a flight recording of
 * every time one of them blocked while pinned to its carrier thread.
 */
public final class VirtualThreads implements AutoCloseable {

    private static final String PINNED = "jdk.VirtualThreadPinned";

    private final ExecutorService executor;

    private final Recording recording = new Recording();

    private VirtualThreads(ExecutorService executor) {
        this.executor = executor;
        recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
        recording.start();
    }

    /** @return a new thread per task, each a virtual thread, recorded from now on */
    public static VirtualThreads start() throws ReflectiveOperationException {
        return new VirtualThreads((ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null));
    }

    /** Runs {@code task} in a new virtual thread. */
    public <T> Future<T> submit(Callable<T> task) {
        return executor.submit(task);
    }

    /**
     * Stops the recording.
     *
     * @return the stack of every blocking of a virtual thread that pinned its carrier, one string each
     */
    public List<String> pinnedStacks() throws Exception {
        recording.stop();
        Path file = Files.createTempFile("virtual-threads", ".jfr");
        try {
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream().filter(event -> event.getEventType().getName()
                    .equals(PINNED)).map(VirtualThreads::stack).toList();
        }
        finally {
            Files.delete(file);
        }
    }

    private static String stack(RecordedEvent event) {
        if (event.getStackTrace() == null) {
            return "(no stack trace)";
        }
        StringBuilder stack = new StringBuilder();
        for (RecordedFrame frame : event.getStackTrace().getFrames()) {
            stack.append("\n\tat ").append(frame.getMethod().getType().getName()).append('.')
                    .append(frame.getMethod().getName()).append(':').append(frame.getLineNumber());
        }
        return stack.toString();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        recording.close();
    }
}
