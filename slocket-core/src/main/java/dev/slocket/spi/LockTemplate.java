package dev.slocket.spi;

import java.util.function.Supplier;

/**
 * The lock name template a caller acquires under, so that metrics are tagged with a bounded
 * value (e.g. {@code report-#{#id}}) instead of every evaluated name. Set around an acquisition
 * on the acquiring thread; registries read it when a wait starts.
 */
public final class LockTemplate {

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

    /**
     * @param name the lock name being acquired
     * @return the current template, or {@code name} when none is set
     */
    public static String currentOr(String name) {
        String template = CURRENT.get();
        return template != null ? template : name;
    }
}
