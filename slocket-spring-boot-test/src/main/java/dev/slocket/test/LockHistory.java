package dev.slocket.test;

import java.util.List;

import org.assertj.core.api.AssertProvider;

/**
 * What the application's registries did with their locks, oldest first: a snapshot taken by
 * {@link TestLocks#history()}. {@code assertThat(history)} gives a {@link LockHistoryAssert}.
 *
 * @param events the recorded events
 */
public record LockHistory(List<LockEvent> events) implements AssertProvider<LockHistoryAssert> {

    /**
     * @param name a lock name
     * @return the events of that name, in every registry
     */
    public List<LockEvent> events(String name) {
        return events.stream().filter(event -> event.name().equals(name)).toList();
    }

    /**
     * @param name a lock name
     * @return what happened to that name, in order
     */
    public List<LockEvent.Kind> kinds(String name) {
        return events(name).stream().map(LockEvent::kind).toList();
    }

    @Override
    public LockHistoryAssert assertThat() {
        return new LockHistoryAssert(this);
    }
}
