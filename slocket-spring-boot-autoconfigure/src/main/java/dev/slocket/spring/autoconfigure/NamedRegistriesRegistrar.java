package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;

import java.time.Duration;
import java.util.Map;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Registers one {@link LockRegistry} bean per {@code slocket.registries.<id>}, named
 * {@code slocket.registries.<id>} and qualified by its id. The beans are fallback candidates, so
 * injecting a plain {@code LockRegistry} still gets the primary registry. Registration runs after
 * the auto-configuration's conditions, so these beans never stand in for the primary one.
 */
final class NamedRegistriesRegistrar implements BeanDefinitionRegistryPostProcessor {

    private static final String S3_CLIENT = "software.amazon.awssdk.services.s3.S3Client";

    private final Environment environment;

    NamedRegistriesRegistrar(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        Binder binder = Binder.get(environment);
        Duration defaultWait = binder.bind("slocket.wait-timeout", Duration.class).orElse(null);
        Map<String, SlocketRegistryProperties> named = binder.bind("slocket.registries",
                Bindable.mapOf(String.class, SlocketRegistryProperties.class)).orElse(Map.of());
        named.forEach((id, properties) -> register(registry, id, properties, defaultWait));
    }

    private static void register(BeanDefinitionRegistry registry, String id, SlocketRegistryProperties properties,
            Duration defaultWait) {
        String prefix = SlocketRegistries.PROPERTY_PREFIX + id;
        if (SlocketRegistries.PRIMARY.equals(id)) {
            throw new InvalidConfigurationPropertyValueException(prefix, id,
                    "The id '" + id + "' stands for the registry of slocket.backend; choose another id.");
        }
        String backend = properties.getBackend();
        if (!SlocketAutoConfiguration.supportedBackends().contains(backend)) {
            throw new InvalidConfigurationPropertyValueException(prefix + ".backend", backend, "Unknown lock backend;"
                    + " supported values: " + String.join(", ", SlocketAutoConfiguration.supportedBackends()) + ".");
        }
        Duration wait = (properties.getWaitTimeout() != null) ? properties.getWaitTimeout() : defaultWait;
        RootBeanDefinition definition;
        if (backend.equals("s3")) {
            if (!ClassUtils.isPresent(S3_CLIENT, NamedRegistriesRegistrar.class.getClassLoader())) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".backend", backend,
                        "The s3 backend needs the AWS SDK for Java v2 (software.amazon.awssdk:s3) on the class path.");
            }
            String client = NamedS3Registry.registerClient(registry, prefix, properties.getS3());
            definition = new RootBeanDefinition(LockRegistry.class,
                    () -> NamedS3Registry.create((BeanFactory) registry, client, prefix, properties.getS3(), wait));
            definition.setDependsOn(client);
        }
        else {
            definition = new RootBeanDefinition(LockRegistry.class,
                    () -> NamedRegistryFactory.create(prefix, properties, wait));
        }
        definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, id));
        definition.setFallback(true);
        definition.setDestroyMethodName(AbstractBeanDefinition.INFER_METHOD);
        registry.registerBeanDefinition(prefix, definition);
    }
}
