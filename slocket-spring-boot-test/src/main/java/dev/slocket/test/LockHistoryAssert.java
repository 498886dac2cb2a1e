package dev.slocket.test;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;

/**
 * AssertJ assertions on a {@link LockHistory}; failures list the recorded events.
 *
 * <pre>{@code
 * assertThat(testLocks.history()).hasAcquired("report-42").hasReleased("report-42");
 * assertThat(testLocks.history()).kindsOf("import").containsExactly(ACQUIRED, LOST, RELEASED);
 * }</pre>
 */
public final class LockHistoryAssert extends AbstractAssert<LockHistoryAssert, LockHistory> {

    LockHistoryAssert(LockHistory actual) {
        super(actual, LockHistoryAssert.class);
    }

    /**
     * @param name a lock name
     * @return this, if the application acquired {@code name}
     */
    public LockHistoryAssert hasAcquired(String name) {
        return has(name, LockEvent.Kind.ACQUIRED);
    }

    /**
     * @param name a lock name
     * @return this, if the application never acquired {@code name}
     */
    public LockHistoryAssert hasNotAcquired(String name) {
        isNotNull();
        if (actual.kinds(name).contains(LockEvent.Kind.ACQUIRED)) {
            failWithMessage("Expected lock '%s' not to be acquired, but the history is:%n%s", name, describe());
        }
        return this;
    }

    /**
     * @param name a lock name
     * @return this, if the application released {@code name}
     */
    public LockHistoryAssert hasReleased(String name) {
        return has(name, LockEvent.Kind.RELEASED);
    }

    /**
     * @param name a lock name
     * @return this, if the application lost {@code name} while holding it
     */
    public LockHistoryAssert hasLost(String name) {
        return has(name, LockEvent.Kind.LOST);
    }

    /**
     * @param name a lock name
     * @return this, if a wait for {@code name} elapsed
     */
    public LockHistoryAssert hasTimedOut(String name) {
        return has(name, LockEvent.Kind.TIMED_OUT);
    }

    /**
     * @param name a lock name
     * @param thread the name of a thread
     * @return this, if {@code name} was acquired on that thread (the method ran under the lock)
     */
    public LockHistoryAssert hasAcquiredOnThread(String name, String thread) {
        isNotNull();
        boolean found = actual.events(name).stream().anyMatch(
                event -> event.kind() == LockEvent.Kind.ACQUIRED && event.thread().equals(thread));
        if (!found) {
            failWithMessage("Expected lock '%s' to be acquired on thread '%s', but the history is:%n%s", name, thread,
                    describe());
        }
        return this;
    }

    /**
     * @param names lock names
     * @return this, if the application first acquired these names in this order
     */
    public LockHistoryAssert hasAcquiredInOrder(String... names) {
        isNotNull();
        List<String> acquired = actual.events().stream().filter(event -> event.kind() == LockEvent.Kind.ACQUIRED)
                .map(LockEvent::name).distinct().filter(Arrays.asList(names)::contains).toList();
        if (!acquired.equals(Arrays.asList(names))) {
            failWithMessage("Expected locks to be acquired in the order %s, but the history is:%n%s",
                    Arrays.toString(names), describe());
        }
        return this;
    }

    /**
     * @param name a lock name
     * @return an assertion on what happened to {@code name}, in order
     */
    public ListAssert<LockEvent.Kind> kindsOf(String name) {
        isNotNull();
        return Assertions.assertThat(actual.kinds(name)).as("what happened to lock '%s'", name);
    }

    private LockHistoryAssert has(String name, LockEvent.Kind kind) {
        isNotNull();
        if (!actual.kinds(name).contains(kind)) {
            failWithMessage("Expected lock '%s' to be %s, but the history is:%n%s", name,
                    kind.name().toLowerCase(Locale.ROOT).replace('_', ' '), describe());
        }
        return this;
    }

    private String describe() {
        if (actual.events().isEmpty()) {
            return "  (empty)";
        }
        StringBuilder text = new StringBuilder();
        for (LockEvent event : actual.events()) {
            text.append(String.format("  %s %s '%s' (registry %s, token %d, thread %s)%n", event.at(), event.kind(),
                    event.name(), event.registry(), event.fencingToken(), event.thread()));
        }
        return text.toString();
    }
}
