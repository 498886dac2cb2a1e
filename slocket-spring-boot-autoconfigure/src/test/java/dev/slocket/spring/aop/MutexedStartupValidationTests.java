package dev.slocket.spring.aop;

import dev.slocket.annotation.Mutexed;
import dev.slocket.annotation.Mutexed.OnTimeout;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** Declarations that cannot work fail start-up with a message naming the method and the text. */
class MutexedStartupValidationTests {

    private final ApplicationContextRunner runner = Runners.memory();

    @Test
    void unparsableNameFailsStartUp() {
        assertFailure(BadName.class, "BadName.run(String)", "report-#{#id");
    }

    @Test
    void unresolvablePlaceholderFailsStartUp() {
        assertFailure(BadPlaceholder.class, "BadPlaceholder.run()", "${no.such.property}");
    }

    @Test
    void waitForThatIsNotADurationFailsStartUp() {
        assertFailure(BadWait.class, "BadWait.run()", "waitFor 'soon'");
        assertFailure(NegativeWait.class, "NegativeWait.run()", "negative");
    }

    @Test
    void skipOnAPrimitiveReturnFailsStartUp() {
        assertFailure(SkipOnInt.class, "SkipOnInt.count()", "primitive return type int");
    }

    @Test
    void methodsAProxyCannotAdviseFailStartUp() {
        assertFailure(PrivateMethod.class, "private method", "PrivateMethod.run()");
        assertFailure(FinalMethod.class, "final method", "FinalMethod.run()");
        assertFailure(StaticMethod.class, "static method", "StaticMethod.run()");
    }

    @Test
    void methodMissingFromTheJdkProxyInterfacesFailsStartUp() {
        runner.withPropertyValues("spring.aop.proxy-target-class=false").withBean(NotOnInterface.class)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("NotOnInterface.extra()")
                        .hasMessageContaining("not declared on an interface"));
    }

    private void assertFailure(Class<?> bean, String... fragments) {
        runner.withBean(bean).run(context -> assertThat(context).getFailure().rootCause()
                .isInstanceOf(IllegalStateException.class).hasMessageContainingAll(fragments));
    }

    public static class BadName {

        @Mutexed("report-#{#id")
        public void run(String id) {
        }
    }

    public static class BadPlaceholder {

        @Mutexed("${no.such.property}")
        public void run() {
        }
    }

    public static class BadWait {

        @Mutexed(value = "x", waitFor = "soon")
        public void run() {
        }
    }

    public static class NegativeWait {

        @Mutexed(value = "x", waitFor = "-5s")
        public void run() {
        }
    }

    public static class SkipOnInt {

        @Mutexed(value = "x", onTimeout = OnTimeout.SKIP)
        public int count() {
            return 1;
        }
    }

    public static class PrivateMethod {

        @Mutexed("x")
        private void run() {
        }
    }

    public static class FinalMethod {

        @Mutexed("x")
        public final void run() {
        }
    }

    public static class StaticMethod {

        @Mutexed("x")
        public static void run() {
        }
    }

    public interface Job {

        void run();
    }

    public static class NotOnInterface implements Job {

        @Override
        @Mutexed("x")
        public void run() {
        }

        @Mutexed("y")
        public void extra() {
        }
    }
}
