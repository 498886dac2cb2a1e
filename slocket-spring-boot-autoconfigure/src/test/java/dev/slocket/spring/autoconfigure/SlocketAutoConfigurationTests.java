package dev.slocket.spring.autoconfigure;

import dev.slocket.HeldLock;
import dev.slocket.LockBackendException;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.Slocket;
import dev.slocket.SlocketException;
import dev.slocket.socket.HandoverMode;
import dev.slocket.socket.SocketLockOptions;
import dev.slocket.socket.StaleSocketPolicy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlocketAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SlocketAutoConfiguration.class));

    @Test
    void defaultsToTheSocketBackendInTheUsersTempDirectory() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(LockRegistry.class).hasSingleBean(Advisor.class);
            assertThat(context.getBean(LockRegistry.class).backendType()).isEqualTo("socket");
            SocketLockOptions options = SocketOptionsFactory.create(context.getBean(SlocketProperties.class).getSocket());
            assertThat(options).isEqualTo(SocketLockOptions.defaults(Path.of(System.getProperty("java.io.tmpdir"),
                    "slocket-" + System.getProperty("user.name"))));
            assertThat(((DefaultPointcutAdvisor) context.getBean(Advisor.class)).getOrder())
                    .isEqualTo(Integer.MAX_VALUE - 100);
        });
    }

    @Test
    void mapsEverySocketProperty(@TempDir Path directory) throws Exception {
        String group = Files.readAttributes(directory, PosixFileAttributes.class).group().getName();
        runner.withPropertyValues("slocket.socket.directory=" + directory, "slocket.socket.stale-socket-policy=wait",
                "slocket.socket.watch-poll-interval=40ms", "slocket.socket.reconnect-backoff-min=2ms",
                "slocket.socket.reconnect-backoff-max=1s", "slocket.socket.backlog=7",
                "slocket.socket.directory-permissions=rwxrwx---", "slocket.socket.socket-permissions=rw-rw----",
                "slocket.socket.require-peer-same-user=false", "slocket.socket.handover-mode=race",
                "slocket.socket.shared-group=" + group, "slocket.socket.spin-wait=40us").run(context -> {
                    SocketLockOptions options = SocketOptionsFactory.create(
                            context.getBean(SlocketProperties.class).getSocket());
                    assertThat(options).isEqualTo(new SocketLockOptions(directory, StaleSocketPolicy.WAIT,
                            Duration.ofMillis(40), Duration.ofMillis(2), Duration.ofSeconds(1), 7, "rwxrwx---",
                            "rw-rw----", false, HandoverMode.RACE, group, Duration.ofNanos(40_000)));
                });
    }

    @Test
    void aLockDirectoryEveryUserCanWriteFailsStartUpForBothBackends(@TempDir Path directory) throws Exception {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        for (String backend : List.of("socket", "file")) {
            runner.withPropertyValues("slocket.backend=" + backend, "slocket." + backend + ".directory=" + directory)
                    .run(context -> {
                        assertThat(context).hasFailed();
                        assertThat(context.getStartupFailure()).rootCause().isInstanceOf(LockBackendException.class)
                                .hasMessageContaining(directory.toString()).hasMessageContaining("mode 0777")
                                .hasMessageContaining("writable by every user");
                    });
        }
    }

    @Test
    void theSocketRegistryExcludesAnotherRegistryOnTheSameDirectory(@TempDir Path directory) {
        runner.withPropertyValues("slocket.socket.directory=" + directory, "slocket.wait-timeout=100ms")
                .run(context -> {
                    LockRegistry registry = context.getBean(LockRegistry.class);
                    try (LockRegistry other = Slocket.socket(directory)) {
                        HeldLock elsewhere = other.acquire("job");
                        assertThatExceptionOfType(LockTimeoutException.class)
                                .isThrownBy(() -> registry.acquire("job"));
                        elsewhere.release();
                        try (HeldLock lock = registry.acquire("job")) {
                            assertThat(lock.fencingToken()).isGreaterThan(elsewhere.fencingToken());
                        }
                    }
                });
    }

    @Test
    void memoryBackendAndWaitTimeoutAreSwitchedByProperties() {
        runner.withPropertyValues("slocket.backend=memory", "slocket.wait-timeout=50ms", "slocket.aop.order=7")
                .run(context -> {
                    LockRegistry registry = context.getBean(LockRegistry.class);
                    assertThat(registry.backendType()).isEqualTo("memory");
                    assertThat(((DefaultPointcutAdvisor) context.getBean(Advisor.class)).getOrder()).isEqualTo(7);
                    HeldLock other = registry.acquireAsync("job", Duration.ZERO).get(5, TimeUnit.SECONDS);
                    assertThatExceptionOfType(LockTimeoutException.class).isThrownBy(() -> registry.acquire("job"));
                    other.release();
                });
    }

    @Test
    void unknownBackendFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("slocket.backend=carrier-pigeon").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("slocket.backend").hasMessageContaining("carrier-pigeon")
                .hasMessageContaining("supported values: file, memory, s3, socket"));
    }

    @Test
    void invalidSocketSettingsFailStartUpNamingTheProperty() {
        runner.withPropertyValues("slocket.socket.watch-poll-interval=1ms").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("slocket.socket.watch-poll-interval"));
        runner.withPropertyValues("slocket.socket.backlog=0").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("slocket.socket.backlog"));
        runner.withPropertyValues("slocket.socket.spin-wait=11ms").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("slocket.socket.spin-wait"));
    }

    @Test
    void anApplicationsOwnRegistryWins() {
        runner.withUserConfiguration(OwnRegistry.class).withPropertyValues("slocket.backend=carrier-pigeon")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(LockRegistry.class);
                    assertThat(context.getBean(LockRegistry.class)).isSameAs(context.getBean("ownRegistry"));
                });
    }

    @Test
    void disabledTurnsEverythingOff() {
        runner.withPropertyValues("slocket.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(LockRegistry.class).doesNotHaveBean(Advisor.class)
                .doesNotHaveBean(SlocketProperties.class));
    }

    @Test
    void closesTheRegistryWithTheContextButNeverReleasesFromUnderAHolder() {
        LockRegistry[] registry = new LockRegistry[1];
        HeldLock[] held = new HeldLock[1];
        runner.withPropertyValues("slocket.backend=memory").run(context -> {
            registry[0] = context.getBean(LockRegistry.class);
            held[0] = registry[0].acquire("held-at-close");
        });
        assertThatThrownBy(() -> registry[0].acquire("after-close")).isInstanceOf(SlocketException.class)
                .hasMessageContaining("is closing");
        assertThat(held[0].isHeld()).isTrue();
        held[0].release();
    }

    @Test
    void worksWithoutReactor() {
        runner.withClassLoader(new FilteredClassLoader("reactor.")).withPropertyValues("slocket.backend=memory")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(LockRegistry.class)
                        .hasSingleBean(Advisor.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRegistry {

        @Bean
        LockRegistry ownRegistry() {
            return Slocket.memory();
        }
    }
}
