package dev.slocket.test;

import dev.slocket.LockLoss;
import dev.slocket.spi.LockObserver;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records what the application's registries do with their locks. One instance serves every
 * registry through {@link #observer(String)}; at most {@value #CAPACITY} events are kept.
 */
final class HistoryRecorder {

    static final int CAPACITY = 10_000;

    private final Deque<LockEvent> events = new ArrayDeque<>();

    /** The token of each current hold, by the hold's identity. */
    private final Map<LockObserver.ObservedLock, Long> tokens = Collections.synchronizedMap(new IdentityHashMap<>());

    LockObserver observer(String registry) {
        return new LockObserver() {

            @Override
            public Wait waitStarted(ObservedLock lock) {
                return new Wait() {

                    @Override
                    public void acquired() {
                        // every LocalLockRegistry reports the token through acquired(long)
                        acquired(0);
                    }

                    @Override
                    public void acquired(long fencingToken) {
                        tokens.put(lock, fencingToken);
                        record(registry, lock.name(), fencingToken, LockEvent.Kind.ACQUIRED);
                    }

                    @Override
                    public void timedOut() {
                        record(registry, lock.name(), 0, LockEvent.Kind.TIMED_OUT);
                    }

                    @Override
                    public void failed(Throwable failure) {
                    }
                };
            }

            @Override
            public void holdEnded(ObservedLock lock, Duration held, boolean lost) {
                Long token = tokens.remove(lock);
                record(registry, lock.name(), (token != null) ? token : 0, LockEvent.Kind.RELEASED);
            }

            @Override
            public void lost(ObservedLock lock, LockLoss loss) {
                record(registry, lock.name(), loss.fencingToken(), LockEvent.Kind.LOST);
            }
        };
    }

    private synchronized void record(String registry, String name, long token, LockEvent.Kind kind) {
        if (events.size() == CAPACITY) {
            events.removeFirst();
        }
        events.addLast(new LockEvent(registry, name, token, Thread.currentThread().getName(), kind, Instant.now()));
    }

    synchronized List<LockEvent> events() {
        return List.copyOf(events);
    }

    synchronized void clear() {
        events.clear();
    }
}
