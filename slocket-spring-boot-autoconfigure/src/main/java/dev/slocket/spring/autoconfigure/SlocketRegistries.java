package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * The application's registries by id, for health, the {@code locks} endpoint, metrics and test
 * support: the primary one ({@code slocket.backend}, or the application's own) under
 * {@value #PRIMARY}, then each {@code slocket.registries.<id>} in the order configured.
 */
public final class SlocketRegistries {

    /** The id under which the primary registry is shown. */
    public static final String PRIMARY = "primary";

    /** The prefix of the named registries' properties, also their bean names' prefix. */
    static final String PROPERTY_PREFIX = "slocket.registries.";

    private SlocketRegistries() {
    }

    /**
     * @param primary the primary registry
     * @param beanFactory holds the named registries
     * @return every registry by id, the primary first
     */
    public static Map<String, LockRegistry> of(LockRegistry primary, ListableBeanFactory beanFactory) {
        Map<String, LockRegistry> registries = new LinkedHashMap<>();
        registries.put(PRIMARY, primary);
        for (String name : beanFactory.getBeanNamesForType(LockRegistry.class, true, false)) {
            if (name.startsWith(PROPERTY_PREFIX)) {
                registries.put(name.substring(PROPERTY_PREFIX.length()), beanFactory.getBean(name, LockRegistry.class));
            }
        }
        return registries;
    }
}
