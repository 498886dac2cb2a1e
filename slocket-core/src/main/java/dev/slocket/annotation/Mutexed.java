package dev.slocket.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method while holding the named lock. With the Spring Boot starter, the
 * method must be called through its bean (a Spring proxy): calls through {@code this} are not
 * advised.
 *
 * <pre>{@code
 * @Mutexed("nightly-report")
 * public Report buildNightlyReport() { ... }
 *
 * @Mutexed(value = "order-#{#order.id}", waitFor = "5s", onTimeout = Mutexed.OnTimeout.SKIP)
 * public void ship(Order order) { ... }
 * }</pre>
 *
 * <p>Methods returning {@code CompletionStage}/{@code CompletableFuture}, or a lazy type Spring's
 * {@code ReactiveAdapterRegistry} knows ({@code Mono}, {@code Flux}, {@code Publisher}, RxJava...),
 * hold the lock until the result completes, fails or is cancelled; a lazy type acquires the lock
 * per subscription. A return type whose work could outlive the lock (a plain {@code Future}, an
 * unknown publisher type, a Kotlin {@code suspend} function) fails start-up. Inside a
 * transaction that is already active when the method returns, the lock is released after that
 * transaction completes. Nested calls for the same name on one thread pass through.
 * {@link dev.slocket.LockContext#current()} gives the held lock inside the method.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Mutexed {

    /**
     * The lock name: a literal, with {@code #{...}} expressions over the method arguments
     * ({@code #name} with {@code -parameters}, {@code #p0}, {@code #a0}), bean references
     * ({@code @bean}) and {@code ${...}} placeholders, e.g. {@code "report-#{#id}"}.
     *
     * @return the lock name template
     */
    String value();

    /**
     * How long to wait for the lock: a duration such as {@code "5s"}, {@code "500ms"},
     * {@code "PT5S"} or a {@code ${...}} placeholder. Empty uses {@code slocket.wait-timeout}
     * (unset: wait indefinitely); {@code "0"} makes one attempt.
     *
     * @return the wait
     */
    String waitFor() default "";

    /**
     * How long the lock stays held at least, counted from its acquisition, even when the method
     * returns sooner: a duration such as {@code "5m"} or a {@code ${...}} placeholder; empty
     * releases when the method is done. The deferred part holds no thread. For jobs that must run
     * once per period on several hosts:
     * {@code @Scheduled(cron = "0 0 * * * *") @Mutexed(value = "hourly", waitFor = "0",
     * onTimeout = SKIP, holdAtLeast = "5m")}.
     *
     * @return the shortest hold
     */
    String holdAtLeast() default "";

    /**
     * What to do when the wait elapses.
     *
     * @return the timeout behaviour
     */
    OnTimeout onTimeout() default OnTimeout.THROW;

    /**
     * The id of the registry that holds the lock: a named registry configured under
     * {@code slocket.registries.<id>.*} (or any {@code LockRegistry} bean qualified by that id).
     * Empty uses the primary registry ({@code slocket.backend}). An unknown id fails start-up.
     *
     * @return the registry id
     */
    String registry() default "";

    /** What a {@link Mutexed} call does when it could not get the lock in time. */
    enum OnTimeout {

        /** Throw {@link dev.slocket.LockTimeoutException}. */
        THROW,

        /**
         * Do not run the method; return {@code null}, {@code Optional.empty()}, an empty
         * {@code Mono}/{@code Flux} or a future completed with {@code null}. Not allowed on
         * methods with a primitive, non-void return type.
         */
        SKIP
    }
}
