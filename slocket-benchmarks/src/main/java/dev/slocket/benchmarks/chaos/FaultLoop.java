package dev.slocket.benchmarks.chaos;

import dev.slocket.s3.S3ProxyServer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stages faults until stopped: after a random pause it takes the next fault of a shuffled deck
 * (so a short run still sees every kind) and applies it to a random worker, or to the S3 server.
 */
final class FaultLoop {

    /** The faults a run stages; the deck holds each as often as its weight. */
    enum Fault {
        SIGKILL(3), SIGTERM(2), SIGSTOP_SHORT(3), SIGSTOP_LONG(2), SERVER_STOP(1), SERVER_FREEZE(1);

        private final int weight;

        Fault(int weight) {
            this.weight = weight;
        }

        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Shorter than the file backend's {@code stale - update} (1 s) and the S3 lease less a renewal (1.33 s). */
    static final Duration SHORT_FREEZE_MIN = Duration.ofMillis(100);

    static final Duration SHORT_FREEZE_MAX = Duration.ofMillis(700);

    /** Longer than the file backend's {@code stale} (2 s) and the S3 lease plus its safety margin (2.5 s). */
    static final Duration LONG_FREEZE_MIN = Duration.ofMillis(3000);

    static final Duration LONG_FREEZE_MAX = Duration.ofMillis(4500);

    private final ChaosConfig config;

    private final Fleet fleet;

    private final S3ProxyServer server;

    private final Tally tally;

    private final Random random;

    private final List<Fault> deck = new ArrayList<>();

    private final Thread thread = new Thread(this::run, "chaos-faults");

    private final CountDownLatch stopped = new CountDownLatch(1);

    /** While the S3 server is down or frozen: Long.MAX_VALUE; after, when it came back. */
    private volatile long serverBackAt;

    private volatile long pendingRecoveryFrom;

    private volatile String pendingRecoveryKind;

    FaultLoop(ChaosConfig config, Fleet fleet, S3ProxyServer server, Tally tally) {
        this.config = config;
        this.fleet = fleet;
        this.server = server;
        this.tally = tally;
        this.random = new Random(config.seed());
    }

    void start() {
        thread.start();
    }

    /** Stops staging faults; returns once the server (if any) runs again. */
    void stop() throws InterruptedException {
        stopped.countDown();
        thread.join();
    }

    /** @return the end of the last server outage (everyone is excused from progress until then), or 0 */
    long serverBackAt() {
        return serverBackAt;
    }

    /** Records the first critical section after the server came back, once one completed. */
    void checkRecovery() {
        String kind = pendingRecoveryKind;
        if (kind == null) {
            return;
        }
        long first = fleet.earliestCycleAfter(pendingRecoveryFrom);
        if (first > 0) {
            tally.latency(kind, first - pendingRecoveryFrom);
            pendingRecoveryKind = null;
        }
    }

    private void run() {
        try {
            while (!pause(between(config.faultEveryMin(), config.faultEveryMax()))) {
                try {
                    stage(next());
                }
                catch (IOException | RuntimeException ex) {
                    tally.error("staging a fault failed: " + ex);
                }
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return whether the loop was stopped during the pause */
    private boolean pause(Duration duration) throws InterruptedException {
        return stopped.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    }

    private Fault next() {
        if (deck.isEmpty()) {
            for (Fault fault : Fault.values()) {
                boolean serverFault = fault == Fault.SERVER_STOP || fault == Fault.SERVER_FREEZE;
                if (!serverFault || server != null) {
                    deck.addAll(Collections.nCopies(fault.weight, fault));
                }
            }
            Collections.shuffle(deck, random);
        }
        return deck.remove(deck.size() - 1);
    }

    private void stage(Fault fault) throws IOException, InterruptedException {
        switch (fault) {
            case SERVER_STOP -> outage(fault, () -> server.stop(), () -> server.start());
            case SERVER_FREEZE -> outage(fault, () -> server.freeze(), () -> server.resume());
            default -> {
                WorkerProcess victim = fleet.pick(random).orElse(null);
                boolean freeze = fault == Fault.SIGSTOP_SHORT || fault == Fault.SIGSTOP_LONG;
                if (victim == null || (freeze && fleet.frozenCount() >= config.processes() / 2)) {
                    tally.fault(fault.id() + " (skipped: no worker free)");
                    return;
                }
                switch (fault) {
                    case SIGKILL -> fleet.kill(victim);
                    case SIGTERM -> fleet.terminate(victim);
                    case SIGSTOP_SHORT -> fleet.freeze(victim, between(SHORT_FREEZE_MIN, SHORT_FREEZE_MAX));
                    default -> fleet.freeze(victim, between(LONG_FREEZE_MIN, LONG_FREEZE_MAX));
                }
                tally.fault(fault.id());
            }
        }
    }

    /** Takes the server away for 1-4 s (less if the run ends meanwhile); a run never ends with it down. */
    private void outage(Fault fault, ServerAction down, ServerAction up) throws IOException, InterruptedException {
        long at = System.nanoTime();
        serverBackAt = Long.MAX_VALUE;
        down.run();
        tally.fault(fault.id());
        try {
            pause(between(Duration.ofSeconds(1), Duration.ofSeconds(4)));
        }
        finally {
            up.run();
            long back = System.nanoTime();
            tally.latency(fault.id() + "-outage", back - at);
            serverBackAt = back;
            pendingRecoveryFrom = back;
            pendingRecoveryKind = fault.id() + "-back-to-first-cycle";
        }
    }

    private Duration between(Duration min, Duration max) {
        return min.plusNanos((long) (random.nextDouble() * max.minus(min).toNanos()));
    }

    @FunctionalInterface
    private interface ServerAction {
        void run() throws IOException, InterruptedException;
    }
}
