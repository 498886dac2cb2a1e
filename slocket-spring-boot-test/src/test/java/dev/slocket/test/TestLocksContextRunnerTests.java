package dev.slocket.test;

import dev.slocket.HeldLock;
import dev.slocket.LockLoss;
import dev.slocket.LockRegistry;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketOperationsAutoConfiguration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** {@link TestLocks} in a plain {@code ApplicationContextRunner}, with one and with several registries. */
class TestLocksContextRunnerTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SlocketAutoConfiguration.class,
                    SlocketOperationsAutoConfiguration.class, SlocketTestAutoConfiguration.class))
            .withPropertyValues("slocket.backend=memory");

    @Test
    void revokeMakesAProgrammaticHolderLoseItsLock() {
        runner.run(context -> {
            TestLocks testLocks = context.getBean(TestLocks.class);
            List<LockLoss> losses = new CopyOnWriteArrayList<>();
            HeldLock lock = context.getBean(LockRegistry.class).acquire("import");
            lock.onLost(losses::add);
            assertThat(testLocks.held()).containsExactly("import");

            testLocks.revoke("import");
            assertThat(lock.isHeld()).isFalse();
            assertThat(losses).singleElement().satisfies(loss -> assertThat(loss.reason()).contains("TestLocks"));
            try (HeldLock other = testLocks.holdElsewhere("import")) {
                assertThat(other.fencingToken()).as("others may take a revoked lock at once")
                        .isGreaterThan(lock.fencingToken());
            }
            lock.release();
            assertThat(testLocks.history().events("import")).extracting(LockEvent::fencingToken)
                    .containsOnly(lock.fencingToken());
            assertThat(testLocks.history()).hasLost("import").kindsOf("import")
                    .containsExactly(LockEvent.Kind.ACQUIRED, LockEvent.Kind.LOST, LockEvent.Kind.RELEASED);
        });
    }

    @Test
    void resetReleasesWhatTheTestLeftHeldAndClearsTheHistory() {
        runner.run(context -> {
            TestLocks testLocks = context.getBean(TestLocks.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            HeldLock leaked = registry.acquire("leaked");
            HeldLock elsewhere = testLocks.holdElsewhere("elsewhere");
            testLocks.reset();
            assertThat(leaked.isHeld()).isFalse();
            assertThat(elsewhere.isHeld()).isFalse();
            assertThat(testLocks.held()).isEmpty();
            assertThat(testLocks.history().events()).isEmpty();
            assertThat(registry.tryAcquire("elsewhere")).isPresent().get().satisfies(HeldLock::release);
        });
    }

    @Test
    void everyRegistryIsReachedByItsId() {
        runner.withPropertyValues("slocket.registries.jobs.backend=memory").run(context -> {
            TestLocks testLocks = context.getBean(TestLocks.class);
            LockRegistry jobs = context.getBean("slocket.registries.jobs", LockRegistry.class);
            try (HeldLock elsewhere = testLocks.registry("jobs").holdElsewhere("nightly")) {
                assertThat(jobs.tryAcquire("nightly")).isEmpty();
                try (HeldLock primary = context.getBean(LockRegistry.class).acquire("nightly", Duration.ZERO)) {
                    assertThat(testLocks.held()).containsExactly("nightly");
                }
            }
            assertThat(testLocks.history().events("nightly")).extracting(LockEvent::registry)
                    .containsExactly("jobs", "primary", "primary");
            assertThatIllegalArgumentException().isThrownBy(() -> testLocks.registry("nope"))
                    .withMessageContaining("nope").withMessageContaining("jobs");
        });
    }

    @Test
    void holdingElsewhereAndRevokingNeedTheMemoryBackend(@TempDir Path directory) {
        runner.withPropertyValues("slocket.backend=file", "slocket.file.directory=" + directory).run(context -> {
            TestLocks testLocks = context.getBean(TestLocks.class);
            assertThatIllegalStateException().isThrownBy(() -> testLocks.holdElsewhere("job"))
                    .withMessageContaining("needs the memory backend").withMessageContaining("'file'");
            try (HeldLock lock = context.getBean(LockRegistry.class).acquire("job", Duration.ofSeconds(10))) {
                assertThat(testLocks.held()).containsExactly("job");
            }
            assertThat(testLocks.history()).hasAcquired("job").hasReleased("job");
        });
    }

    @Test
    void historyAssertionsFailWithTheRecordedEvents() {
        runner.run(context -> {
            TestLocks testLocks = context.getBean(TestLocks.class);
            context.getBean(LockRegistry.class).acquire("recorded").release();
            assertThatExceptionOfType(AssertionError.class)
                    .isThrownBy(() -> assertThat(testLocks.history()).hasLost("recorded"))
                    .withMessageContaining("Expected lock 'recorded' to be lost")
                    .withMessageContaining("ACQUIRED 'recorded'");
            assertThatExceptionOfType(AssertionError.class)
                    .isThrownBy(() -> assertThat(testLocks.history()).hasNotAcquired("recorded"));
        });
    }
}
