package dev.slocket.spring.autoconfigure;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.annotation.Mutexed;
import dev.slocket.s3.S3LockOptions;
import dev.slocket.s3.S3ProxyServer;
import dev.slocket.spring.actuate.LocksEndpoint;
import dev.slocket.spring.actuate.SlocketHealthIndicator;
import dev.slocket.spring.metrics.MeterTimedObservations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code slocket.registries.<id>}: further registries beside the primary one, each a qualified
 * {@code LockRegistry} bean, chosen by {@code @Mutexed(registry = ...)}, shown by health, the
 * {@code locks} endpoint and the meters.
 */
class SeveralRegistriesTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path sockets;

    @TempDir
    Path files;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, SlocketAutoConfiguration.class,
                    SlocketOperationsAutoConfiguration.class, SlocketActuatorAutoConfiguration.class,
                    SlocketMetricsAutoConfiguration.class));

    private ApplicationContextRunner socketPrimaryAndFileRegistry() {
        return runner.withPropertyValues("slocket.socket.directory=" + sockets,
                "slocket.registries.shared.backend=file", "slocket.registries.shared.file.directory=" + files,
                "slocket.registries.shared.wait-timeout=50ms");
    }

    @Test
    void aSocketPrimaryAndAFileRegistryLiveInOneContext() {
        socketPrimaryAndFileRegistry().withUserConfiguration(JobsConfig.class).run(context -> {
            assertThat(context).hasNotFailed();
            LockRegistry primary = context.getBean(LockRegistry.class);
            LockRegistry shared = context.getBean("slocket.registries.shared", LockRegistry.class);
            assertThat(primary.backendType()).isEqualTo("socket");
            assertThat(shared.backendType()).isEqualTo("file");
            Jobs jobs = context.getBean(Jobs.class);
            assertThat(jobs.injected()).as("@Qualifier(\"shared\")").isSameAs(shared);
            assertThat(jobs.onPrimary(sockets)).as("held on the socket directory while the method runs").isTrue();
            assertThat(Files.exists(files.resolve("report.lock"))).isFalse();
            assertThat(jobs.onShared(files)).as("the lock directory exists while the method runs").isTrue();

            try (LockRegistry otherHost = Slocket.file(files); HeldLock held = otherHost.acquire("report", WAIT)) {
                assertThat(jobs.onPrimary(sockets)).as("the same name in another registry is another lock")
                        .isTrue();
                assertThat(shared.tryAcquire("report")).isEmpty();
            }
        });
    }

    @Test
    void namedRegistriesShutDownWithTheContextWithoutReleasingFromUnderAHolder() {
        LockRegistry[] shared = new LockRegistry[1];
        HeldLock[] held = new HeldLock[1];
        socketPrimaryAndFileRegistry().withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=100ms")
                .run(context -> {
                    shared[0] = context.getBean("slocket.registries.shared", LockRegistry.class);
                    held[0] = shared[0].acquire("held-at-close", WAIT);
                    assertThat(files.resolve("held-at-close.lock")).isDirectory();
                });
        assertThatThrownBy(() -> shared[0].acquire("after-close")).hasMessageContaining("closing");
        assertThat(files.resolve("held-at-close.lock")).as("still held by its holder").isDirectory();
        held[0].release();
        assertThat(files.resolve("held-at-close.lock")).doesNotExist();
    }

    @Test
    void anUnknownRegistryIdFailsStartUpNamingTheMethod() {
        runner.withPropertyValues("slocket.backend=memory").withUserConfiguration(UnknownRegistry.class)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("UnknownRegistry$Job.run()")
                        .hasMessageContaining("registry 'elsewhere' is not configured"));
    }

    @Test
    void anUnknownBackendOrABadOptionOfANamedRegistryFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("slocket.backend=memory", "slocket.registries.jobs.backend=carrier-pigeon")
                .run(context -> assertThat(context).getFailure()
                        .hasMessageContaining("slocket.registries.jobs.backend")
                        .hasMessageContaining("carrier-pigeon"));
        runner.withPropertyValues("slocket.backend=memory", "slocket.registries.jobs.backend=file",
                "slocket.registries.jobs.file.directory=" + files,
                "slocket.registries.jobs.file.watch-poll-interval=1ms")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("slocket.registries.jobs.file.watch-poll-interval"));
        runner.withPropertyValues("slocket.backend=memory", "slocket.registries.primary.backend=memory")
                .run(context -> assertThat(context).getFailure()
                        .hasMessageContaining("slocket.registries.primary"));
    }

    @Test
    void metersHealthAndTheEndpointShowEveryRegistry() {
        socketPrimaryAndFileRegistry().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("management.endpoints.web.exposure.include=locks").run(context -> {
                    LockRegistry shared = context.getBean("slocket.registries.shared", LockRegistry.class);
                    try (HeldLock onShared = shared.acquire("nightly", WAIT);
                            HeldLock onPrimary = context.getBean(LockRegistry.class).acquire("hourly", WAIT)) {
                        MeterRegistry meters = context.getBean(MeterRegistry.class);
                        // programmatic names without a declared template share one bounded tag value
                        assertThat(meters.get("slocket.lock.wait").tag("registry", "shared").tag("backend", "file")
                                .tag("lock", "(programmatic)").timer().count()).isEqualTo(1);
                        assertThat(meters.get("slocket.lock.wait").tag("registry", "primary")
                                .tag("lock", "(programmatic)").timer().count()).isEqualTo(1);
                        assertThat(meters.get("slocket.locks.held").tag("registry", "shared").gauge().value())
                                .isEqualTo(1.0);

                        assertThat(context.getBean(LocksEndpoint.class).locks().locks())
                                .extracting(LocksEndpoint.LockDescriptor::registry, LocksEndpoint.LockDescriptor::name)
                                .containsExactly(tuple("primary", "hourly"),
                                        tuple("shared", "nightly"));

                        Health health = context.getBean(SlocketHealthIndicator.class).health();
                        assertThat(health.getStatus()).isEqualTo(Status.UP);
                        assertThat(health.getDetails()).containsEntry("backend", "socket").containsEntry("held", 1);
                        assertThat(((Map<?, ?>) health.getDetails().get("registries")).get("shared"))
                                .isInstanceOfSatisfying(Health.class, files -> assertThat(files.getDetails())
                                        .containsEntry("backend", "file").containsEntry("held", 1));
                    }
                });
    }

    @Test
    void withObservationsTheWaitTimerOfEachRegistryCarriesItsId() {
        // the usual set-up of an application with Actuator: observations time the waits
        socketPrimaryAndFileRegistry().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withUserConfiguration(MeterTimedObservations.class).run(context -> {
                    context.getBean("slocket.registries.shared", LockRegistry.class).acquire("nightly", WAIT).release();
                    context.getBean(LockRegistry.class).acquire("hourly", WAIT).release();
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    assertThat(meters.get("slocket.lock.wait").tag("registry", "shared").tag("backend", "file")
                            .tag("outcome", "acquired").timer().count()).isEqualTo(1);
                    assertThat(meters.get("slocket.lock.wait").tag("registry", "primary").tag("backend", "socket")
                            .tag("outcome", "acquired").timer().count()).isEqualTo(1);
                });
    }

    @Test
    void aNamedS3RegistryBuildsItsOwnClient() throws Exception {
        S3ProxyServer server = S3ProxyServer.shared();
        runner.withPropertyValues("slocket.backend=memory", "slocket.registries.cloud.backend=s3",
                "slocket.registries.cloud.s3.bucket=" + S3ProxyServer.BUCKET,
                "slocket.registries.cloud.s3.endpoint=" + server.endpoint(),
                "slocket.registries.cloud.s3.region=us-east-1", "slocket.registries.cloud.s3.path-style-access=true",
                "slocket.registries.cloud.s3.key-prefix=named/").run(context -> {
                    assertThat(context).hasNotFailed();
                    LockRegistry cloud = context.getBean("slocket.registries.cloud", LockRegistry.class);
                    assertThat(cloud.backendType()).isEqualTo("s3");
                    try (HeldLock lock = cloud.acquire("s3-named", WAIT)) {
                        assertThat(Slocket.s3(server.client(), S3LockOptions
                                .builder(S3ProxyServer.BUCKET).keyPrefix("named/").build()).tryAcquire("s3-named"))
                                .isEmpty();
                    }
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class JobsConfig {

        @Bean
        Jobs jobs(@Qualifier("shared") LockRegistry shared) {
            return new Jobs(shared);
        }
    }

    static class Jobs {

        private final LockRegistry injected;

        Jobs(LockRegistry injected) {
            this.injected = injected;
        }

        public LockRegistry injected() {
            return injected;
        }

        /** @return whether another registry on the socket directory sees the lock held */
        @Mutexed("report")
        public boolean onPrimary(Path socketDirectory) {
            try (LockRegistry otherProcess = Slocket.socket(socketDirectory)) {
                return otherProcess.tryAcquire("report").map(lock -> {
                    lock.release();
                    return false;
                }).orElse(true);
            }
        }

        /** @return whether the file backend's lock directory exists */
        @Mutexed(value = "report", registry = "shared")
        public boolean onShared(Path fileDirectory) {
            return Files.isDirectory(fileDirectory.resolve("report.lock"));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UnknownRegistry {

        @Bean
        Job job() {
            return new Job();
        }

        static class Job {

            @Mutexed(value = "job", registry = "elsewhere")
            public void run() {
            }
        }
    }
}
