package dev.slocket.spring.actuate;

import dev.slocket.annotation.Mutexed;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@code @Mutexed} method that holds its lock until the test opens the call's gate.
 */
public class GateService {

    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

    private final Map<String, CountDownLatch> entered = new ConcurrentHashMap<>();

    /**
     * Holds {@code report-<id>} until {@link #open(String)} opens {@code gate}.
     *
     * @param id the report id
     * @param gate the call's gate
     * @return {@code gate}
     * @throws InterruptedException if interrupted while holding
     */
    @Mutexed("report-#{#id}")
    public String hold(String id, String gate) throws InterruptedException {
        entered(gate).countDown();
        if (!gate(gate).await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate " + gate + " never opened");
        }
        return gate;
    }

    /** @param gate whose call may return */
    public void open(String gate) {
        gate(gate).countDown();
    }

    /**
     * @param gate a call's gate
     * @return whether that call entered the method within 10 seconds
     * @throws InterruptedException if interrupted
     */
    public boolean awaitEntered(String gate) throws InterruptedException {
        return entered(gate).await(10, TimeUnit.SECONDS);
    }

    private CountDownLatch gate(String id) {
        return gates.computeIfAbsent(id, key -> new CountDownLatch(1));
    }

    private CountDownLatch entered(String id) {
        return entered.computeIfAbsent(id, key -> new CountDownLatch(1));
    }
}
