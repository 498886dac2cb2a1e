package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.annotation.Mutexed;
import dev.slocket.annotation.Mutexed.OnTimeout;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** THROW and SKIP when the lock is busy, and the default wait from slocket.wait-timeout. */
class MutexedTimeoutTests {

    private final ApplicationContextRunner runner = Runners.memory().withUserConfiguration(Beans.class)
            .withPropertyValues("test.wait=20ms");

    @Test
    void throwTimesOutWithoutRunningTheMethod() {
        runner.run(context -> {
            Busy busy = context.getBean(Busy.class);
            HeldLock other = Runners.holdElsewhere(context.getBean(LockRegistry.class), "busy");
            assertThatExceptionOfType(LockTimeoutException.class).isThrownBy(busy::throwing)
                    .withMessageContaining("busy");
            other.release();
            assertThat(busy.throwing()).isEqualTo("ran");
            assertThat(busy.runs()).isEqualTo(1);
        });
    }

    @Test
    void skipReturnsTheEmptyValueOfEachReturnType() {
        runner.run(context -> {
            Busy busy = context.getBean(Busy.class);
            HeldLock other = Runners.holdElsewhere(context.getBean(LockRegistry.class), "busy");
            assertThat(busy.skippedString()).isNull();
            busy.skippedVoid();
            assertThat(busy.skippedOptional()).isEmpty();
            assertThat(busy.skippedFuture()).isCompletedWithValue(null);
            assertThat(busy.skippedMono().hasElement().block()).isFalse();
            assertThat(busy.skippedFlux().collectList().block()).isEmpty();
            assertThat(busy.runs()).isZero();
            other.release();
            assertThat(busy.skippedOptional()).contains("ran");
            assertThat(busy.skippedMono().block()).isEqualTo("ran");
        });
    }

    @Test
    void withoutWaitForTheDefaultWaitApplies() {
        runner.withPropertyValues("slocket.wait-timeout=30ms").run(context -> {
            Busy busy = context.getBean(Busy.class);
            HeldLock other = Runners.holdElsewhere(context.getBean(LockRegistry.class), "busy");
            assertThatExceptionOfType(LockTimeoutException.class).isThrownBy(busy::defaultWait);
            other.release();
            assertThat(busy.defaultWait()).isEqualTo("ran");
        });
    }

    public static class Busy {

        private final AtomicInteger runs = new AtomicInteger();

        public int runs() {
            return runs.get();
        }

        @Mutexed(value = "busy", waitFor = "50ms")
        public String throwing() {
            return ran();
        }

        @Mutexed("busy")
        public String defaultWait() {
            return ran();
        }

        @Mutexed(value = "busy", waitFor = "${test.wait}", onTimeout = OnTimeout.SKIP)
        public String skippedString() {
            return ran();
        }

        @Mutexed(value = "busy", waitFor = "0", onTimeout = OnTimeout.SKIP)
        public void skippedVoid() {
            ran();
        }

        @Mutexed(value = "busy", waitFor = "PT0.02S", onTimeout = OnTimeout.SKIP)
        public Optional<String> skippedOptional() {
            return Optional.of(ran());
        }

        @Mutexed(value = "busy", waitFor = "0", onTimeout = OnTimeout.SKIP)
        public CompletableFuture<String> skippedFuture() {
            return CompletableFuture.completedFuture(ran());
        }

        @Mutexed(value = "busy", waitFor = "0", onTimeout = OnTimeout.SKIP)
        public Mono<String> skippedMono() {
            return Mono.fromSupplier(this::ran);
        }

        @Mutexed(value = "busy", waitFor = "0", onTimeout = OnTimeout.SKIP)
        public Flux<String> skippedFlux() {
            return Flux.just(ran());
        }

        private String ran() {
            runs.incrementAndGet();
            return "ran";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        Busy busy() {
            return new Busy();
        }
    }
}
