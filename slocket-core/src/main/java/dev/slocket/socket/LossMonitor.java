package dev.slocket.socket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A slow timer (one daemon thread per JVM) that checks every held socket lock's file: a lock
 * whose socket was deleted or replaced is no longer ours, and its holder is told once.
 */
final class LossMonitor {

    private static final Logger log = LoggerFactory.getLogger(LossMonitor.class);

    private static final long PERIOD_MILLIS = 500;

    private static final Set<SocketHold> HOLDS = ConcurrentHashMap.newKeySet();

    private static boolean started;

    private LossMonitor() {
    }

    static void watch(SocketHold hold) {
        HOLDS.add(hold);
        start();
    }

    static void forget(SocketHold hold) {
        HOLDS.remove(hold);
    }

    private static synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "slocket-loss-monitor");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(LossMonitor::checkAll, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static void checkAll() {
        for (SocketHold hold : HOLDS) {
            try {
                hold.verify();
            }
            catch (RuntimeException ex) {
                log.warn("Checking socket lock {} failed", hold.paths().socket(), ex);
            }
            if (!hold.isHeld()) {
                HOLDS.remove(hold);
            }
        }
    }
}
