package dev.slocket.spring.aop;

import dev.slocket.LockContext;
import dev.slocket.LockRegistry;
import dev.slocket.annotation.Mutexed;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Lock names: literals, SpEL over arguments by name and position, beans and placeholders. */
class MutexedNamingTests {

    private final ApplicationContextRunner runner = Runners.memory().withUserConfiguration(Beans.class)
            .withPropertyValues("test.prefix=tenant");

    @Test
    void evaluatesArgumentsByNameAndPositionBeansAndPlaceholders() {
        runner.run(context -> {
            Names names = context.getBean(Names.class);
            assertThat(names.literal()).isEqualTo("nightly-report");
            assertThat(names.byName("42")).isEqualTo("report-42");
            assertThat(names.byPosition("a", 7)).isEqualTo("p-a-7");
            assertThat(names.byBean()).isEqualTo("code-EU");
            assertThat(names.byPlaceholder(new Order(9))).isEqualTo("tenant-order-9");
        });
    }

    @Test
    void nullOrInvalidNamesFailTheCallBeforeTheMethodRuns() {
        runner.run(context -> {
            Names names = context.getBean(Names.class);
            assertThatIllegalArgumentException().isThrownBy(() -> names.byName(null))
                    .withMessageContaining("report-#{#id}").withMessageContaining("Names.byName(String)")
                    .withMessageContaining("null");
            assertThatIllegalArgumentException().isThrownBy(() -> names.byName("bad\u0000id"))
                    .withMessageContaining("control characters");
            assertThatIllegalArgumentException().isThrownBy(() -> names.byPlaceholder(null))
                    .withMessageContaining("could not be evaluated");
            assertThat(names.runs()).isZero();
        });
    }

    @Test
    void fencingTokenIsVisibleInsideAndIncreasesPerAcquisition() {
        runner.run(context -> {
            Names names = context.getBean(Names.class);
            long first = names.token();
            long second = names.token();
            assertThat(second).isGreaterThan(first);
            assertThat(LockContext.find()).isEmpty();
            assertThatIllegalStateException().isThrownBy(LockContext::current).withMessageContaining("No @Mutexed");
            assertThat(context.getBean(LockRegistry.class).locks()).isEmpty();
        });
    }

    record Order(int id) {
    }

    record Tenant(String code) {
    }

    public static class Names {

        private final AtomicInteger runs = new AtomicInteger();

        public int runs() {
            return runs.get();
        }

        @Mutexed("nightly-report")
        public String literal() {
            return current();
        }

        @Mutexed("report-#{#id}")
        public String byName(String id) {
            return current();
        }

        @Mutexed("p-#{#p0}-#{#a1}")
        public String byPosition(String first, int second) {
            return current();
        }

        @Mutexed("code-#{@tenant.code()}")
        public String byBean() {
            return current();
        }

        @Mutexed("${test.prefix}-order-#{#order.id}")
        public String byPlaceholder(Order order) {
            return current();
        }

        @Mutexed("token")
        public long token() {
            return LockContext.current().fencingToken();
        }

        private String current() {
            runs.incrementAndGet();
            assertThat(LockContext.current().isHeld()).isTrue();
            return LockContext.current().name();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        Names names() {
            return new Names();
        }

        @Bean
        Tenant tenant() {
            return new Tenant("EU");
        }
    }
}
