package dev.slocket.internal;

import dev.slocket.LockLoss;
import dev.slocket.spi.LockObserver;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans registry events out to every observer; a failing observer is logged and skipped. */
final class Observers implements LockObserver {

    private static final Logger log = LoggerFactory.getLogger(Observers.class);

    /** What an unobserved wait reports to: nothing, without allocating per acquisition. */
    private static final Wait UNOBSERVED = new Wait() {

        @Override
        public void acquired() {
        }

        @Override
        public void timedOut() {
        }

        @Override
        public void failed(Throwable failure) {
        }
    };

    private final List<LockObserver> observers = new CopyOnWriteArrayList<>();

    void add(LockObserver observer) {
        observers.add(observer);
    }

    @Override
    public Wait waitStarted(ObservedLock lock) {
        if (observers.isEmpty()) {
            return UNOBSERVED;
        }
        List<Wait> waits = observers.stream().map(observer -> safely(() -> observer.waitStarted(lock))).toList();
        return new Wait() {

            @Override
            public void acquired() {
                each(waits, Wait::acquired);
            }

            @Override
            public void acquired(long fencingToken) {
                each(waits, wait -> wait.acquired(fencingToken));
            }

            @Override
            public void timedOut() {
                each(waits, Wait::timedOut);
            }

            @Override
            public void failed(Throwable failure) {
                each(waits, wait -> wait.failed(failure));
            }
        };
    }

    @Override
    public void holdEnded(ObservedLock lock, Duration held, boolean lost) {
        each(observers, observer -> observer.holdEnded(lock, held, lost));
    }

    @Override
    public void lost(ObservedLock lock, LockLoss loss) {
        each(observers, observer -> observer.lost(lock, loss));
    }

    private static <T> void each(List<T> targets, Consumer<T> call) {
        for (T target : targets) {
            if (target != null) {
                safely(() -> {
                    call.accept(target);
                    return null;
                });
            }
        }
    }

    private static <T> T safely(Supplier<T> call) {
        try {
            return call.get();
        }
        catch (RuntimeException ex) {
            log.warn("Lock observer failed", ex);
            return null;
        }
    }
}
