package dev.slocket.sample;

import dev.slocket.sample.ReportClient.Request;
import dev.slocket.sample.ReportClient.Run;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the sample app over HTTP: two concurrent requests for one report run one after the
 * other; requests for different reports run in parallel.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sample.report.work-time=700ms", "sample.cleanup.interval=1h"})
class SampleApplicationTests {

    @TempDir
    static Path lockDirectory;

    @LocalServerPort
    int port;

    private final ReportClient client = new ReportClient();

    @DynamicPropertySource
    static void locks(DynamicPropertyRegistry registry) {
        registry.add("slocket.socket.directory", () -> lockDirectory.toString());
    }

    @Test
    void requestsForTheSameReportRunOneAfterTheOther() {
        Run[] runs = client.concurrently(new Request(port, "same"), new Request(port, "same"));
        assertThat(runs[0].overlaps(runs[1])).as("%s and %s", runs[0], runs[1]).isFalse();
        assertThat(runs[0].token()).isNotEqualTo(runs[1].token());
    }

    @Test
    void requestsForDifferentReportsRunInParallel() {
        Run[] runs = client.concurrently(new Request(port, "left"), new Request(port, "right"));
        assertThat(runs[0].overlaps(runs[1])).as("%s and %s", runs[0], runs[1]).isTrue();
    }
}
