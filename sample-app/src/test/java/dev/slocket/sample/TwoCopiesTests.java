package dev.slocket.sample;

import dev.slocket.sample.ReportClient.Request;
import dev.slocket.sample.ReportClient.Run;
import dev.slocket.testing.ChildJvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two copies of the sample app on one host, as the README shows: this test's app and a second
 * one in a child JVM share the socket lock directory, so the same report never builds in both
 * at once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sample.report.work-time=700ms", "sample.cleanup.interval=1h"})
class TwoCopiesTests {

    private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

    @TempDir
    static Path lockDirectory;

    @TempDir
    Path logs;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void locks(DynamicPropertyRegistry registry) {
        registry.add("slocket.socket.directory", () -> lockDirectory.toString());
    }

    @Test
    void twoCopiesSerializeOnTheSameReport() throws Exception {
        try (ChildJvm other = ChildJvm.start(logs, SampleApplication.class, "--server.port=0",
                "--slocket.socket.directory=" + lockDirectory, "--sample.report.work-time=700ms",
                "--sample.cleanup.interval=1h")) {
            other.awaitLine("Started SampleApplication", Duration.ofSeconds(90));
            Matcher matcher = PORT.matcher(other.output());
            assertThat(matcher.find()).as(other.output()).isTrue();
            int otherPort = Integer.parseInt(matcher.group(1));

            Run[] runs = new ReportClient().concurrently(new Request(port, "shared"), new Request(otherPort, "shared"));

            assertThat(runs[0].pid()).isNotEqualTo(runs[1].pid());
            assertThat(runs[0].overlaps(runs[1])).as("%s and %s", runs[0], runs[1]).isFalse();
            assertThat(runs[0].token()).isNotEqualTo(runs[1].token());
        }
    }
}
