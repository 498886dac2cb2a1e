package dev.slocket.test;

import dev.slocket.spring.autoconfigure.SlocketRegistryProperties;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Sets {@code slocket.backend} and each configured {@code slocket.registries.<id>.backend} to one
 * backend, ahead of every other property source. Tests with the same backend share a cached
 * context.
 *
 * @param backend the backend of every registry
 */
record BackendContextCustomizer(String backend) implements ContextCustomizer {

    static final String PROPERTY_SOURCE = "slocketTestBackend";

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
        ConfigurableEnvironment environment = context.getEnvironment();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("slocket.backend", backend);
        Binder.get(environment)
                .bind("slocket.registries", Bindable.mapOf(String.class, SlocketRegistryProperties.class))
                .ifBound(registries -> registries.keySet()
                        .forEach(id -> properties.put("slocket.registries." + id + ".backend", backend)));
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
    }
}
