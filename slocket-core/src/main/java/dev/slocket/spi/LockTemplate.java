package dev.slocket.spi;

import java.util.function.Supplier;

/**
 * The lock name template a caller acquires under, so that metrics are tagged with a bounded
 * value (e.g. {@code report-#{#id}}) instead of every evaluated name. Set around an acquisition
 * on the acquiring thread; registries read it when a wait starts. {@code @Mutexed} declares its
 * template; programmatic callers declare one the same way:
 *
 * <pre>{@code
 * HeldLock lock = LockTemplate.with("order-{id}", () -> locks.acquire("order-" + id, wait));
 * }</pre>
 *
 * An acquisition without a declared template is tagged {@link #UNDECLARED}, never with its name.
 */
public final class LockTemplate {

    /** The template of acquisitions that declared none: one fixed value, so tags stay bounded. */
    public static final String UNDECLARED = "(programmatic)";

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private LockTemplate() {
    }

    /**
     * Runs {@code acquisition} with {@code template} as the current template.
     *
     * @param template the name template as declared
     * @param acquisition what acquires the lock
     * @param <T> the result type
     * @return what {@code acquisition} returned
     */
    public static <T> T with(String template, Supplier<T> acquisition) {
        String previous = CURRENT.get();
        CURRENT.set(template);
        try {
            return acquisition.get();
        }
        finally {
            if (previous == null) {
                CURRENT.remove();
            }
            else {
                CURRENT.set(previous);
            }
        }
    }

    /** @return the current template, or {@link #UNDECLARED} when none is set */
    public static String current() {
        String template = CURRENT.get();
        return template != null ? template : UNDECLARED;
    }
}
