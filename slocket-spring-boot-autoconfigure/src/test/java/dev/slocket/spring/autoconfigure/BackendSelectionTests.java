package dev.slocket.spring.autoconfigure;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.file.FileLockOptions;
import dev.slocket.s3.S3LockOptions;
import dev.slocket.s3.S3ProxyServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code slocket.backend=file} and {@code slocket.backend=s3}: the registry is built from the
 * backend's properties group and really locks (the S3 cases against a real S3-compatible server).
 */
class BackendSelectionTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SlocketAutoConfiguration.class));

    @Test
    void fileBackendLocksDirectoriesInTheConfiguredDirectory(@TempDir Path directory) {
        runner.withPropertyValues("slocket.backend=file", "slocket.file.directory=" + directory,
                "slocket.file.stale=4s", "slocket.file.update=1s").run(context -> {
                    LockRegistry registry = context.getBean(LockRegistry.class);
                    assertThat(registry.backendType()).isEqualTo("file");
                    assertThat(FileOptionsFactory.create(context.getBean(SlocketFileProperties.class)).stale())
                            .isEqualTo(Duration.ofSeconds(4));
                    try (HeldLock lock = registry.acquire("nightly report", WAIT);
                            LockRegistry other = Slocket.file(directory)) {
                        assertThat(directory.resolve("nightly%20report.lock")).isDirectory();
                        assertThat(other.tryAcquire("nightly report")).isEmpty();
                    }
                });
    }

    @Test
    void fileAndS3PropertyDefaultsAreTheBackendsOwnDefaults() {
        SlocketFileProperties file = new SlocketFileProperties();
        assertThat(FileOptionsFactory.create(file)).isEqualTo(FileLockOptions.defaults(file.getDirectory()));
        SlocketS3Properties s3 = new SlocketS3Properties();
        s3.setBucket("locks");
        assertThat(S3OptionsFactory.create(s3)).isEqualTo(S3LockOptions.defaults("locks"));
    }

    @Test
    void fileOptionsThatAreOutOfRangeFailStartUpNamingTheProperty(@TempDir Path directory) {
        runner.withPropertyValues("slocket.backend=file", "slocket.file.directory=" + directory,
                "slocket.file.watch-poll-interval=1ms").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("slocket.file.watch-poll-interval");
                });
    }

    @Test
    void s3BackendWithoutABucketFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("slocket.backend=s3", "slocket.s3.endpoint=http://127.0.0.1:9",
                "slocket.s3.region=us-east-1").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("slocket.s3.bucket");
                });
    }

    @Test
    void s3BackendWithoutTheAwsSdkSaysWhatIsMissing() {
        runner.withClassLoader(new FilteredClassLoader(S3Client.class))
                .withPropertyValues("slocket.backend=s3", "slocket.s3.bucket=locks").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("slocket.backend")
                            .hasMessageContaining("software.amazon.awssdk:s3");
                });
    }

    @Test
    void s3BackendBuildsItsClientFromTheProperties() throws Exception {
        S3ProxyServer server = S3ProxyServer.shared();
        runner.withPropertyValues("slocket.backend=s3", "slocket.s3.bucket=" + S3ProxyServer.BUCKET,
                "slocket.s3.endpoint=" + server.endpoint(), "slocket.s3.region=us-east-1",
                "slocket.s3.path-style-access=true", "slocket.s3.key-prefix=spring-built/").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(S3Client.class);
                    LockRegistry registry = context.getBean(LockRegistry.class);
                    assertThat(registry.backendType()).isEqualTo("s3");
                    try (HeldLock lock = registry.acquire("s3-wired", WAIT);
                            LockRegistry other = Slocket.s3(server.client(), S3ProxyServer.BUCKET)) {
                        assertThat(lock.fencingToken()).isPositive();
                        assertThat(Slocket.s3(server.client(),
                                S3LockOptions.builder(S3ProxyServer.BUCKET).keyPrefix("spring-built/")
                                        .build())
                                .tryAcquire("s3-wired")).isEmpty();
                    }
                });
    }

    @Test
    void s3BackendUsesTheApplicationsOwnClient() throws Exception {
        runner.withUserConfiguration(OwnS3Client.class)
                .withPropertyValues("slocket.backend=s3", "slocket.s3.bucket=" + S3ProxyServer.BUCKET,
                        "slocket.s3.endpoint=http://127.0.0.1:9")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(S3Client.class).hasBean("ownS3Client");
                    try (HeldLock lock = context.getBean(LockRegistry.class).acquire("own-client", WAIT)) {
                        assertThat(lock.isHeld()).isTrue();
                    }
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnS3Client {

        @Bean(destroyMethod = "close")
        S3Client ownS3Client() throws Exception {
            return S3ProxyServer.shared().client();
        }
    }
}
