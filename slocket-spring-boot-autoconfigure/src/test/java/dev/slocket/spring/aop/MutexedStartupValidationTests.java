package dev.slocket.spring.aop;

import dev.slocket.annotation.Mutexed;
import dev.slocket.annotation.Mutexed.OnTimeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import kotlin.coroutines.Continuation;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.scheduling.annotation.Async;
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
    void holdAtLeastThatIsNotADurationFailsStartUp() {
        assertFailure(BadHoldAtLeast.class, "BadHoldAtLeast.run()", "holdAtLeast 'a while'");
    }

    @Test
    void returnTypesWhoseWorkCouldOutliveTheLockFailStartUp() {
        assertFailure(PlainFuture.class, "PlainFuture.run()", "java.util.concurrent.Future", "CompletableFuture");
        assertFailure(UnknownPublisher.class, "UnknownPublisher.run()", "UnknownPublisher$Stream",
                "lazy publisher type");
        assertFailure(SuspendFunction.class, "SuspendFunction.run(String, Continuation)", "Kotlin suspend");
    }

    @Test
    void anAsyncMethodMayReturnAFutureBecauseTheLockIsTakenAroundItsWork() {
        runner.withBean(AsyncFuture.class).run(context -> assertThat(context).hasNotFailed());
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

    public static class BadHoldAtLeast {

        @Mutexed(value = "bad", holdAtLeast = "a while")
        public void run() {
        }
    }

    public static class PlainFuture {

        @Mutexed("future")
        public Future<String> run() {
            return null;
        }
    }

    public static class AsyncFuture {

        @Async
        @Mutexed("future")
        public Future<String> run() {
            return CompletableFuture.completedFuture("done");
        }
    }

    public static class UnknownPublisher {

        /** A publisher type no adapter knows: its work runs when subscribed, after the method returned. */
        public interface Stream extends Publisher<String> {
        }

        @Mutexed("stream")
        public Stream run() {
            return null;
        }
    }

    /** The JVM signature of {@code suspend fun run(id: String): String}. */
    public static class SuspendFunction {

        @Mutexed("suspend")
        public Object run(String id, Continuation<? super String> continuation) {
            return null;
        }
    }
}
