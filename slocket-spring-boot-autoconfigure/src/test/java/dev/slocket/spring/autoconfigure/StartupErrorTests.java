package dev.slocket.spring.autoconfigure;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.s3.S3ProxyServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A configuration the backend cannot use fails start-up with a message that names the property to
 * change (the S3 cases against a real S3-compatible server), and the per-application directory
 * that README recommends is created private and shared by the copies of one application.
 */
class StartupErrorTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SlocketAutoConfiguration.class));

    @Test
    void aSocketDirectoryThatCannotBeCreatedFailsStartUpNamingTheProperty(@TempDir Path temp) throws IOException {
        Path notADirectory = Files.createFile(temp.resolve("plain-file"));
        runner.withPropertyValues("slocket.socket.directory=" + notADirectory.resolve("locks")).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(
                    "Cannot use the lock directory of slocket.socket.directory: Lock directory");
        });
    }

    @Test
    void aFileDirectoryOthersCanWriteFailsStartUpNamingTheProperty(@TempDir Path temp) throws IOException {
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        runner.withPropertyValues("slocket.backend=file", "slocket.file.directory=" + open).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("slocket.file.directory")
                    .hasMessageContaining("writable by every user");
        });
        runner.withPropertyValues("slocket.registries.shared.backend=file",
                "slocket.registries.shared.file.directory=" + open).run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining(
                            "slocket.registries.shared.file.directory");
                });
    }

    @Test
    void thePerApplicationDirectoryIsPrivateAndSharedByTheCopiesOfOneApplication() throws Exception {
        String application = "app-" + UUID.randomUUID().toString().substring(0, 8);
        Path directory = Path.of(System.getProperty("java.io.tmpdir"),
                "slocket-" + System.getProperty("user.name") + "-" + application);
        ApplicationContextRunner copy = runner.withPropertyValues("spring.application.name=" + application,
                "slocket.socket.directory=${java.io.tmpdir}/slocket-${user.name}-${spring.application.name}");
        try {
            copy.run(first -> copy.run(second -> {
                assertThat(first).hasNotFailed();
                assertThat(second).hasNotFailed();
                assertThat(Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS))
                        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
                try (HeldLock lock = first.getBean(LockRegistry.class).acquire("per-application", WAIT)) {
                    assertThat(second.getBean(LockRegistry.class).tryAcquire("per-application")).isEmpty();
                    try (LockRegistry otherApplication = Slocket.memory()) {
                        assertThat(otherApplication.tryAcquire("per-application")).isPresent();
                    }
                }
            }));
        }
        finally {
            delete(directory);
        }
    }

    @Test
    void aMissingBucketFailsStartUpNamingTheProperty() throws Exception {
        S3ProxyServer server = S3ProxyServer.shared();
        s3(server).withPropertyValues("slocket.s3.bucket=no-such-bucket").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(
                    "Bucket 'no-such-bucket' (slocket.s3.bucket) does not exist: create it");
        });
        runner.withPropertyValues("slocket.registries.cloud.backend=s3",
                "slocket.registries.cloud.s3.bucket=no-such-bucket",
                "slocket.registries.cloud.s3.endpoint=" + server.endpoint(),
                "slocket.registries.cloud.s3.path-style-access=true").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining(
                            "(slocket.registries.cloud.s3.bucket) does not exist");
                });
    }

    @Test
    void anEndpointWithoutARegionUsesUsEast1() throws Exception {
        s3(S3ProxyServer.shared()).withPropertyValues("slocket.s3.bucket=" + S3ProxyServer.BUCKET).run(context -> {
            assertThat(context).hasNotFailed();
            try (HeldLock lock = context.getBean(LockRegistry.class).acquire("no-region", WAIT)) {
                assertThat(lock.isHeld()).isTrue();
            }
        });
    }

    @Test
    void noRegionAnywhereFailsStartUpNamingTheProperty() {
        withSystemProperties(Map.of("aws.disableEc2Metadata", "true"), () -> runner
                .withPropertyValues("slocket.backend=s3", "slocket.s3.bucket=locks").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("slocket.s3.region");
                }));
    }

    @Test
    void noCredentialsFailStartUpNamingTheKeysAndTheChain() throws Exception {
        S3ProxyServer server = S3ProxyServer.shared();
        Map<String, String> none = new HashMap<>();
        none.put("aws.accessKeyId", null);
        none.put("aws.secretAccessKey", null);
        none.put("aws.disableEc2Metadata", "true");
        withSystemProperties(none, () -> {
            s3(server).withPropertyValues("slocket.s3.bucket=" + S3ProxyServer.BUCKET).run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).hasStackTraceContaining("No credentials for the S3 lock "
                        + "backend: set slocket.s3.access-key-id and slocket.s3.secret-access-key")
                        .hasStackTraceContaining("default credential chain");
            });
            s3(server).withPropertyValues("slocket.s3.bucket=" + S3ProxyServer.BUCKET,
                    "slocket.s3.access-key-id=any", "slocket.s3.secret-access-key=any").run(context -> {
                        assertThat(context).hasNotFailed();
                        try (HeldLock lock = context.getBean(LockRegistry.class).acquire("static-keys", WAIT)) {
                            assertThat(lock.isHeld()).isTrue();
                        }
                    });
        });
    }

    @Test
    void oneKeyWithoutTheOtherFailsStartUpNamingTheMissingOne() throws Exception {
        s3(S3ProxyServer.shared()).withPropertyValues("slocket.s3.bucket=" + S3ProxyServer.BUCKET,
                "slocket.s3.access-key-id=any").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("slocket.s3.secret-access-key");
                });
    }

    private ApplicationContextRunner s3(S3ProxyServer server) {
        return runner.withPropertyValues("slocket.backend=s3", "slocket.s3.endpoint=" + server.endpoint(),
                "slocket.s3.path-style-access=true");
    }

    /** Runs {@code scenario} with system properties set ({@code null}: cleared), then restores them. */
    private static void withSystemProperties(Map<String, String> values, Runnable scenario) {
        Map<String, String> saved = new HashMap<>();
        values.keySet().forEach(key -> saved.put(key, System.getProperty(key)));
        values.forEach(StartupErrorTests::setOrClear);
        try {
            scenario.run();
        }
        finally {
            saved.forEach(StartupErrorTests::setOrClear);
        }
    }

    private static void setOrClear(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        }
        else {
            System.setProperty(key, value);
        }
    }

    private static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
