package dev.slocket.spring.actuate;

import dev.slocket.spring.autoconfigure.SlocketActuatorAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code slocket} health indicator is DOWN, with a reason an operator can act on, when the
 * lock directory is unusable.
 */
class HealthDownTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SlocketAutoConfiguration.class,
                    SlocketActuatorAutoConfiguration.class));

    @Test
    void upForAUsableDirectory(@TempDir Path directory) {
        runner.withPropertyValues("slocket.backend=file", "slocket.file.directory=" + directory).run(context -> {
            Health health = context.getBean(SlocketHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("backend", "file")
                    .containsEntry("directory", directory.toString()).containsEntry("held", 0)
                    .containsEntry("waiting", 0).containsEntry("lostLocks", 0L).containsKeys("owner", "permissions");
        });
    }

    @Test
    void downWhenTheFileLockDirectoryWasRemoved(@TempDir Path parent) {
        Path directory = parent.resolve("locks");
        runner.withPropertyValues("slocket.backend=file", "slocket.file.directory=" + directory).run(context -> {
            Files.delete(directory);
            Health health = context.getBean(SlocketHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("reason")).contains(directory + " does not exist");
        });
    }

    @Test
    void downWhenTheSocketDirectoryIsWritableByEveryone(@TempDir Path directory) throws Exception {
        runner.withPropertyValues("slocket.socket.directory=" + directory).run(context -> {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
            Health health = context.getBean(SlocketHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("reason")).contains("writable by every user")
                    .contains("chmod o-w");
        });
    }

    @Test
    void downWhenTheSocketDirectoryBelongsToSomeoneElse(@TempDir Path directory) throws Exception {
        String user = System.getProperty("user.name");
        String other = user.equals("nobody") ? "root" : "nobody";
        UserPrincipal stranger = directory.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(other);
        runner.withPropertyValues("slocket.socket.directory=" + directory).run(context -> {
            Files.setOwner(directory, stranger);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            Health health = context.getBean(SlocketHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("reason")).contains("belongs to " + other)
                    .contains("chown");
        });
    }
}
