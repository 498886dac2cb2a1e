package dev.slocket.benchmarks;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

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
     * @return the back-to-back round trip with an {@code echo} child
     */
    static Stats roundTrip(Path work, int warmUp, int count, String label, long pauseNanos) throws Exception {
        Path socket = work.resolve(label + ".sock");
        ChildProcess echo = ChildProcess.start(work, "echo", socket.toString());
        echo.awaitLine("READY");
        long[] samples = new long[count];
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer buffer = ByteBuffer.allocate(1);
            for (int i = 0; i < warmUp + count; i++) {
                if (pauseNanos > 0) {
                    LockSupport.parkNanos(pauseNanos);
                }
                long start = System.nanoTime();
                channel.write(buffer.clear().put((byte) 1).flip());
                channel.read(buffer.clear());
                if (i >= warmUp) {
                    samples[i - warmUp] = System.nanoTime() - start;
                }
            }
        }
        echo.awaitExit();
        return Stats.of(samples);
    }

    /**
     * The hand-over pattern of a lock taken in turns, without the lock: each process holds a byte
     * for {@code holdNanos} (spinning) and passes it on while the other waits in {@code read}.
     *
     * @return the time of one pass, from the write in one process to the return from {@code read}
     *         in the other (one monotonic clock for both), both directions
     */
    static Stats handOver(Path work, int warmUp, int count, long holdNanos) throws Exception {
        Path socket = work.resolve("relay.sock");
        Path childTimes = work.resolve("relay.times");
        ChildProcess relay = ChildProcess.start(work, "relay", socket.toString(), Long.toString(holdNanos), childTimes.toString());
        relay.awaitLine("READY");
        int rounds = warmUp + count / 2;
        long[] passed = new long[rounds];
        long[] returned = new long[rounds];
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer buffer = ByteBuffer.allocate(1);
            long got = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                BenchmarkChild.spin(got, holdNanos);
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
