package dev.slocket.benchmarks;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What passing a message between two processes costs on this machine, without any lock: the
 * yardsticks of {@link SocketBenchmark}'s handoffs (docs/benchmarks.md, "The hand-over floor").
 */
final class MessageFloors {

    private MessageFloors() {
    }

    /**
     * @param count how many round trips to time, after {@code warmUp} untimed ones
     * @param pauseNanos how long to park before each round trip
     * @param pingPrefix the start of the timing child's command line ({@link CpuPinning#on}, or empty)
     * @param echoPrefix the same for the child that answers
     * @return the back-to-back round trip between a {@code ping} and an {@code echo} child
     */
    static Stats roundTrip(Path work, int warmUp, int count, String label, long pauseNanos, List<String> pingPrefix,
            List<String> echoPrefix) throws Exception {
        Path socket = work.resolve(label + ".sock");
        Path times = work.resolve(label + ".times");
        ChildProcess echo = ChildProcess.start(work, echoPrefix, "echo", socket.toString());
        echo.awaitLine("READY");
        ChildProcess ping = ChildProcess.start(work, pingPrefix, "ping", socket.toString(), Integer.toString(warmUp),
                Integer.toString(count), Long.toString(pauseNanos), times.toString());
        ping.awaitExit();
        echo.awaitExit();
        long[] samples = Files.readAllLines(times).stream().mapToLong(Long::parseLong).toArray();
        if (samples.length != count) {
            throw new IllegalStateException("round trip " + label + " timed " + samples.length + " of " + count
                    + ":\n" + Files.readString(ping.log()));
        }
        return Stats.of(samples);
    }

    /**
     * The hand-over pattern of a lock taken in turns, without the lock: each process holds a byte
     * (spinning {@code holdNanos}, or reading and rewriting {@code criticalFile} if that is not
     * {@code null}) and passes it on while the other waits in {@code read}.
     *
     * @return the time of one pass, from the write in one process to the return from {@code read}
     *         in the other (one monotonic clock for both), both directions
     */
    static Stats handOver(Path work, String label, int warmUp, int count, long holdNanos, Path criticalFile)
            throws Exception {
        Path socket = work.resolve(label + ".sock");
        Path childTimes = work.resolve(label + ".times");
        ChildProcess relay = ChildProcess.start(work, "relay", socket.toString(), Long.toString(holdNanos),
                criticalFile == null ? "-" : criticalFile.toString(), childTimes.toString());
        relay.awaitLine("READY");
        int rounds = warmUp + count / 2;
        long[] passed = new long[rounds];
        long[] returned = new long[rounds];
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer buffer = ByteBuffer.allocate(1);
            long got = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                BenchmarkChild.hold(got, holdNanos, criticalFile);
                passed[i] = System.nanoTime();
                channel.write(buffer.clear().put((byte) 1).flip());
                channel.read(buffer.clear());
                got = System.nanoTime();
                returned[i] = got;
            }
        }
        relay.awaitExit();
        List<String> lines = Files.readAllLines(childTimes);
        long[] samples = new long[2 * (rounds - warmUp)];
        for (int i = warmUp; i < rounds; i++) {
            String[] times = lines.get(i).split(" ");
            samples[2 * (i - warmUp)] = Long.parseLong(times[0]) - passed[i];
            samples[2 * (i - warmUp) + 1] = returned[i] - Long.parseLong(times[1]);
        }
        return Stats.of(samples);
    }
}
