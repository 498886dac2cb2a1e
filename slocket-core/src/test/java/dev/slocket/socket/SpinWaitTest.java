package dev.slocket.socket;

import dev.slocket.spi.Deadline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The adaptive spin of a waiter before it blocks ({@link SpinWait}): it spins until its grant or for
 * the configured time, never past its deadline, never on one CPU or a virtual thread, and after
 * spins that missed lets the next waiters block at once, 1, 2, 4 … 64 of them.
 */
class SpinWaitTest {

    private static final Duration SHORT = Duration.ofNanos(20_000);

    @Test
    void aSpinEndsAsSoonAsItsGrantCame() {
        SpinWait spin = new SpinWait(Duration.ofSeconds(5), 2);
        AtomicInteger polls = new AtomicInteger();
        assertThat(spin.until(() -> polls.incrementAndGet() == 3, Deadline.never())).isTrue();
        assertThat(polls).hasValue(3);
    }

    @Test
    void aSpinWithoutItsGrantEndsAfterTheConfiguredTime() {
        SpinWait spin = new SpinWait(Duration.ofMillis(2), 2);
        long start = System.nanoTime();
        assertThat(spin.until(() -> false, Deadline.never())).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(2).toNanos());
    }

    @Test
    void zeroOrOneProcessorNeverSpins() {
        assertThat(polls(new SpinWait(Duration.ZERO, 2), 1)).containsExactly(0);
        assertThat(polls(new SpinWait(Duration.ofMillis(1), 1), 1)).containsExactly(0);
    }

    @Test
    void aSpinNeverOutlastsTheDeadlineAndAnEndedDeadlineIsNoMiss() {
        SpinWait spin = new SpinWait(Duration.ofSeconds(5), 2);
        long start = System.nanoTime();
        assertThat(spin.until(() -> false, Deadline.after(Duration.ofMillis(1)))).isFalse();
        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(4).toNanos());
        AtomicInteger polls = new AtomicInteger();
        assertThat(spin.until(() -> polls.incrementAndGet() > 0, Deadline.never())).isTrue();
    }

    @Test
    void anInterruptEndsTheSpinAndIsNoMiss() {
        SpinWait spin = new SpinWait(Duration.ofSeconds(5), 2);
        Thread.currentThread().interrupt();
        try {
            assertThat(spin.until(() -> false, Deadline.never())).isFalse();
        }
        finally {
            assertThat(Thread.interrupted()).isTrue();
        }
        assertThat(polls(spin, 1)).allMatch(polled -> polled > 0);
    }

    @Test
    void missesMakeTheNextWaitersBlockAtOnceDoublingUpToSixtyFour() {
        SpinWait spin = new SpinWait(SHORT, 2);
        List<Integer> polls = polls(spin, 1 + 1 + 1 + 2 + 1 + 4 + 1 + 8 + 1 + 16 + 1 + 32 + 1 + 64 + 1 + 64 + 1);
        List<Integer> spun = new ArrayList<>();
        for (int i = 0; i < polls.size(); i++) {
            if (polls.get(i) > 0) {
                spun.add(i);
            }
        }
        assertThat(spun).containsExactly(0, 2, 5, 10, 19, 36, 69, 134, 199);
    }

    @Test
    void aSpinThatSeesItsGrantEndsThePenalty() {
        SpinWait spin = new SpinWait(SHORT, 2);
        assertThat(polls(spin, 5)).extracting(polled -> polled > 0).containsExactly(true, false, true, false, false);
        assertThat(spin.until(() -> true, Deadline.never())).isTrue();
        // a miss now makes one waiter block at once, not four
        assertThat(polls(spin, 3)).extracting(polled -> polled > 0).containsExactly(true, false, true);
    }

    @Test
    void aVirtualThreadNeverSpins() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        SpinWait spin = new SpinWait(Duration.ofSeconds(5), 2);
        AtomicInteger polls = new AtomicInteger();
        Runnable wait = () -> spin.until(() -> polls.incrementAndGet() > 0, Deadline.never());
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Thread thread = (Thread) Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class)
                .invoke(builder, wait);
        thread.join(Duration.ofSeconds(10).toMillis());
        assertThat(thread.isAlive()).isFalse();
        assertThat(polls).hasValue(0);
    }

    /** @return how often each of {@code waiters} successive waits without a grant polled */
    private static List<Integer> polls(SpinWait spin, int waiters) {
        List<Integer> polls = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            AtomicInteger count = new AtomicInteger();
            BooleanSupplier never = () -> count.incrementAndGet() < 0;
            spin.until(never, Deadline.never());
            polls.add(count.get());
        }
        return polls;
    }
}
