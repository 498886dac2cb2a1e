package dev.slocket.benchmarks.chaos;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short chaos runs of the build (docs/reliability.md): each backend for a few seconds under
 * SIGKILL, SIGTERM and SIGSTOP of its processes (and outages of the S3 server); any broken
 * guarantee fails the build with the run's report. The long runs are the same harness with
 * {@code ChaosRun long}.
 */
class ChaosSuiteTest {

    @Test
    void socketBackendKeepsItsGuaranteesUnderChaos() throws Exception {
        assertPassed(ChaosBackend.SOCKET, Duration.ofSeconds(12));
    }

    @Test
    void fileBackendKeepsItsGuaranteesUnderChaos() throws Exception {
        assertPassed(ChaosBackend.FILE, Duration.ofSeconds(14));
    }

    @Test
    void s3BackendKeepsItsGuaranteesUnderChaos() throws Exception {
        assertPassed(ChaosBackend.S3, Duration.ofSeconds(18));
    }

    /** Without exclusion across processes the same run must fail: the checks catch what they claim to. */
    @Test
    void theChecksCatchDoubleHoldersAndTokensOutOfOrder() throws Exception {
        ChaosReport report = ChaosRun.run(shortRun(ChaosBackend.MEMORY, Duration.ofSeconds(4)));
        System.out.print(report.format());
        assertThat(report.violations("double-holder")).as(report.format()).isPositive();
        assertThat(report.violations("token-order")).as(report.format()).isPositive();
        ChaosRun.delete(report.runDirectory());
    }

    private static void assertPassed(ChaosBackend backend, Duration duration) throws Exception {
        ChaosReport report = ChaosRun.run(shortRun(backend, duration));
        System.out.print(report.format());
        assertThat(report.passed()).as(report.format()).isTrue();
        assertThat(report.cycles()).as(report.format()).isPositive();
    }

    private static ChaosConfig shortRun(ChaosBackend backend, Duration duration) {
        return ChaosConfig.parse(backend, "processes=3", "threads=2", "names=2", "seconds=" + duration.toSeconds(),
                "faultMinMillis=200", "faultMaxMillis=600");
    }
}
