package dev.slocket.test.sample;

import dev.slocket.HeldLock;
import dev.slocket.test.AutoConfigureSlocket;
import dev.slocket.test.LockEvent;
import dev.slocket.test.TestLocks;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/** A web slice, which leaves slocket out unless {@link AutoConfigureSlocket} brings it in. */
@WebMvcTest(ReportController.class)
@Import(ReportService.class)
@AutoConfigureSlocket
class WebMvcTestLocksTests {

    @Autowired
    MockMvcTester mvc;

    @Autowired
    TestLocks testLocks;

    @Test
    void theControllerAnswersConflictWhileTheReportIsBuiltElsewhere() {
        assertThat(mvc.get().uri("/reports/3")).hasStatusOk().hasBodyTextEqualTo("report 3");
        try (HeldLock elsewhere = testLocks.holdElsewhere("report-3")) {
            assertThat(mvc.get().uri("/reports/3")).hasStatus(HttpStatus.CONFLICT);
        }
        assertThat(testLocks.history()).kindsOf("report-3").containsExactly(
                LockEvent.Kind.ACQUIRED, LockEvent.Kind.RELEASED, LockEvent.Kind.TIMED_OUT);
    }
}
