package dev.slocket.internal;

import dev.slocket.HeldLock;
import dev.slocket.LockLoss;
import dev.slocket.LockTimeoutException;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.spi.LockObserver;
import dev.slocket.spi.LockTemplate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry reports waits, holds and losses to its observers, tagged with the template. */
class LockObserverTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<String> events = new CopyOnWriteArrayList<>();

    private final LockObserver recorder = new LockObserver() {

        @Override
        public Wait waitStarted(ObservedLock lock) {
            events.add("wait " + lock.name() + " as " + lock.template() + " on " + lock.backend());
            return new Wait() {

                @Override
                public void acquired() {
                    events.add("acquired " + lock.name());
                }

                @Override
                public void timedOut() {
                    events.add("timeout " + lock.name());
                }

                @Override
                public void failed(Throwable failure) {
                    events.add("failed " + lock.name() + " " + failure.getClass().getSimpleName());
                }
            };
        }

        @Override
        public void holdEnded(ObservedLock lock, Duration held, boolean lost) {
            events.add((lost ? "lost hold " : "released ") + lock.name() + " as " + lock.template());
        }

        @Override
        public void lost(ObservedLock lock, LockLoss loss) {
            events.add("lost " + lock.name() + ": " + loss.reason());
        }
    };

    @Test
    void reportsWaitsAndHoldsWithTheDeclaredTemplateOrAFixedValue() throws Exception {
        try (LocalLockRegistry registry = new LocalLockRegistry(new MemoryLockBackend(), null)) {
            registry.addObserver(recorder);
            try (HeldLock lock = registry.acquire("plain", WAIT); HeldLock nested = registry.acquire("plain", WAIT)) {
                assertThat(nested.isHeld()).isTrue();
            }
            LockTemplate.with("report-#{#id}", () -> registry.acquire("report-1", WAIT)).release();
            LockTemplate.with("async-#{#id}", () -> registry.acquireAsync("async-1", WAIT)).get(10, TimeUnit.SECONDS)
                    .release();
            assertThat(events).containsExactly("wait plain as (programmatic) on memory", "acquired plain",
                    "released plain as (programmatic)", "wait report-1 as report-#{#id} on memory", "acquired report-1",
                    "released report-1 as report-#{#id}", "wait async-1 as async-#{#id} on memory",
                    "acquired async-1", "released async-1 as async-#{#id}");
        }
    }

    @Test
    void reportsTimeoutsAndLosses() throws Exception {
        MemoryLockBackend backend = new MemoryLockBackend();
        try (LocalLockRegistry registry = new LocalLockRegistry(backend, null);
                LocalLockRegistry other = new LocalLockRegistry(backend, null)) {
            registry.addObserver(recorder);
            HeldLock elsewhere = other.acquire("busy", WAIT);
            assertThatThrownBy(() -> registry.acquire("busy", Duration.ofMillis(50)))
                    .isInstanceOf(LockTimeoutException.class);
            elsewhere.release();
            HeldLock lock = registry.acquire("busy", WAIT);
            backend.revoke("busy", "revoked");
            lock.release();
            assertThat(events).containsExactly("wait busy as (programmatic) on memory", "timeout busy",
                    "wait busy as (programmatic) on memory", "acquired busy", "lost busy: revoked", "lost hold busy as (programmatic)");
        }
    }

    @Test
    void aFailingObserverDoesNotBreakLocking() {
        try (LocalLockRegistry registry = new LocalLockRegistry(new MemoryLockBackend(), null)) {
            registry.addObserver(lock -> {
                throw new IllegalStateException("broken observer");
            });
            registry.addObserver(recorder);
            registry.acquire("sturdy", WAIT).release();
            assertThat(events).contains("acquired sturdy", "released sturdy as (programmatic)");
        }
    }
}
