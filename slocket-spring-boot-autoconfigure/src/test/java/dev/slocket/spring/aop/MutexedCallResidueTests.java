package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockLostException;
import dev.slocket.LockRegistry;
import dev.slocket.annotation.Mutexed;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.memory.MemoryLockBackend;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Nothing of a call outlives it: no loss listener, no interrupt the library raised. */
class MutexedCallResidueTests {

    private static final int CALLS = 1_000_000;

    /** Far below what a leaked listener per call would hold (well over 100 bytes each). */
    private static final long HEAP_GROWTH_BOUND = 32L * 1024 * 1024;

    private final ApplicationContextRunner runner = Runners.memory().withUserConfiguration(Beans.class);

    @Test
    void aMillionNestedCallsInAProgrammaticHoldKeepTheHeapFlat() {
        runner.run(context -> {
            Work work = context.getBean(Work.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            try (HeldLock outer = registry.acquire("residue", Duration.ofSeconds(10))) {
                for (int i = 0; i < 10_000; i++) {
                    work.nested();
                }
                long before = usedHeapAfterGc();
                for (int i = 0; i < CALLS; i++) {
                    work.nested();
                }
                long growth = usedHeapAfterGc() - before;
                assertThat(growth).as("heap growth in bytes after %d nested calls", CALLS)
                        .isLessThan(HEAP_GROWTH_BOUND);
                assertThat(outer.isHeld()).isTrue();
            }
        });
    }

    @Test
    void anInterruptRaisedForALostLockIsClearedBeforeTheCallEnds() {
        runner.withPropertyValues("slocket.lost-lock.interrupt=true").run(context -> {
            Work work = context.getBean(Work.class);
            assertThatExceptionOfType(LockLostException.class).isThrownBy(() -> work.loseLock(false));
            assertThat(work.interruptedInside()).as("the loss interrupted the method").isTrue();
            assertThat(Thread.currentThread().isInterrupted()).as("cleared after a call that returned").isFalse();

            assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> work.loseLock(true));
            assertThat(Thread.currentThread().isInterrupted()).as("cleared after a call that threw").isFalse();
        });
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }

    public static class Work {

        private final LockRegistry registry;

        private volatile boolean interruptedInside;

        Work(LockRegistry registry) {
            this.registry = registry;
        }

        /** @return whether the last {@link #loseLock} saw its thread interrupted (read through the proxy) */
        public boolean interruptedInside() {
            return interruptedInside;
        }

        @Mutexed("residue")
        public void nested() {
        }

        @Mutexed("lost")
        public void loseLock(boolean fail) {
            ((MemoryLockBackend) ((LocalLockRegistry) registry).backend()).revoke("lost", "revoked by the test");
            interruptedInside = Thread.currentThread().isInterrupted();
            if (fail) {
                throw new IllegalStateException("the method fails after the loss");
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        Work work(LockRegistry registry) {
            return new Work(registry);
        }
    }
}
