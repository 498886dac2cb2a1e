package dev.slocket.test.sample;

import dev.slocket.HeldLock;
import dev.slocket.LockLostException;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.spring.event.LockLostEvent;
import dev.slocket.test.AutoConfigureSlocket;
import dev.slocket.test.LockEvent;
import dev.slocket.test.TestLocks;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The whole application on the memory backend, with {@link TestLocks} driving its lock paths. */
@SpringBootTest
@AutoConfigureSlocket
@RecordApplicationEvents
class SpringBootTestLocksTests {

    @Autowired
    LockRegistry registry;

    @Autowired
    TestLocks testLocks;

    @Autowired
    ReportService reports;

    @Test
    void testsUseTheMemoryBackend() {
        assertThat(registry.backendType()).isEqualTo("memory");
    }

    @Test
    void aLockHeldElsewhereMakesSkipAndThrowHappenWithoutThreads() {
        try (HeldLock report = testLocks.holdElsewhere("report-7");
                HeldLock importing = testLocks.holdElsewhere("import")) {
            assertThat(reports.build("7")).isNull();
            assertThat(reports.build("8")).isEqualTo("report 8");
            assertThatExceptionOfType(LockTimeoutException.class).isThrownBy(reports::importAll);
            assertThat(testLocks.held()).as("holds elsewhere are not the application's").isEmpty();
        }
        assertThat(reports.build("7")).isEqualTo("report 7");
        assertThat(reports.importAll()).isEqualTo("imported");
        assertThat(testLocks.history()).hasTimedOut("report-7").hasTimedOut("import")
                .hasAcquiredOnThread("report-7", Thread.currentThread().getName())
                .hasAcquiredInOrder("report-8", "report-7", "import");
        assertThat(testLocks.history()).kindsOf("report-7").containsExactly(LockEvent.Kind.TIMED_OUT,
                LockEvent.Kind.ACQUIRED, LockEvent.Kind.RELEASED);
    }

    @Test
    void holdingALockThatIsHeldAlreadyFails() {
        try (HeldLock first = testLocks.holdElsewhere("report-9")) {
            assertThatIllegalStateException().isThrownBy(() -> testLocks.holdElsewhere("report-9"))
                    .withMessageContaining("'report-9'").withMessageContaining("held already");
        }
    }

    @Test
    void aRevokedLockEndsTheCallWithLockLostExceptionAndAnEvent(@Autowired ApplicationEvents events) {
        assertThatExceptionOfType(LockLostException.class).isThrownBy(() -> reports.work(() -> {
            assertThat(testLocks.held()).containsExactly("long-job");
            testLocks.revoke("long-job");
            assertThat(testLocks.held()).isEmpty();
        })).withMessageContaining("long-job");
        assertThat(events.stream(LockLostEvent.class)).singleElement()
                .satisfies(event -> assertThat(event.getLoss().name()).isEqualTo("long-job"));
        assertThat(testLocks.history()).kindsOf("long-job").containsExactly(LockEvent.Kind.ACQUIRED,
                LockEvent.Kind.LOST, LockEvent.Kind.RELEASED);
        assertThat(testLocks.history().events("long-job")).extracting(LockEvent::fencingToken).containsOnly(
                testLocks.history().events("long-job").get(0).fencingToken());
    }

    @Test
    void revokingALockNobodyHoldsFails() {
        assertThatIllegalStateException().isThrownBy(() -> testLocks.revoke("nobody-holds-this"))
                .withMessageContaining("Nobody holds lock 'nobody-holds-this'");
    }
}
