package dev.slocket.quickstart;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * README.md's Quick start is {@link ReportsApplication} and {@code quickstart.yml} word for word,
 * and it does what README says: a copy waits while another holds {@code report}, then builds, and
 * the {@code dev.slocket.spring.aop} debug logger shows it.
 */
@ExtendWith(OutputCaptureExtension.class)
class QuickStartTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void readmeShowsTheQuickStartWordForWord() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String source = Files.readString(Path.of("src/test/java/dev/slocket/quickstart/ReportsApplication.java"));
        assertThat(block(readme, "<!-- quick-start-java -->", "java"))
                .isEqualTo(source.substring(source.indexOf("@SpringBootApplication")));
        assertThat(block(readme, "<!-- quick-start-yaml -->", "yaml"))
                .isEqualTo(Files.readString(Path.of("src/test/resources/quickstart.yml")));
    }

    @Test
    void aCopyWaitsWhileAnotherHoldsTheLockThenBuildsAndTheLogShowsIt(@TempDir Path directory,
            CapturedOutput output) {
        try (LockRegistry otherCopy = Slocket.socket(directory)) {
            HeldLock held = otherCopy.acquire("report", WAIT);
            try (ConfigurableApplicationContext copy = new SpringApplicationBuilder(ReportsApplication.class)
                    .web(WebApplicationType.NONE)
                    .run("--spring.config.name=quickstart", "--slocket.socket.directory=" + directory)) {
                await().atMost(WAIT).until(() -> output.getOut().contains("Waiting for lock 'report' for"));
                assertThat(output.getOut()).doesNotContain("Building the report");
                held.release();
                await().atMost(WAIT).until(() -> output.getOut().contains("Building the report with fencing token"));
                assertThat(output.getOut()).contains("Acquired lock 'report' with fencing token");
                assertThat(otherCopy.tryAcquire("report")).isEmpty();
            }
        }
    }

    /** @return the body of the first {@code lang} code block after {@code marker} */
    private static String block(String readme, String marker, String lang) {
        int at = readme.indexOf(marker);
        assertThat(at).as("README.md contains %s", marker).isNotNegative();
        int start = readme.indexOf("```" + lang + "\n", at) + lang.length() + 4;
        return readme.substring(start, readme.indexOf("```\n", start));
    }
}
