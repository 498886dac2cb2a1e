package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;
import dev.slocket.RegistryOptions;
import dev.slocket.Slocket;
import dev.slocket.file.FileLockBackend;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.s3.S3LockBackend;
import dev.slocket.socket.SocketLockBackend;
import dev.slocket.spi.LockBackend;

import dev.slocket.annotation.Mutexed;
import dev.slocket.spring.aop.InFlightCalls;
import dev.slocket.spring.aop.LockNameEvaluator;
import dev.slocket.spring.aop.MutexedInterceptor;
import dev.slocket.spring.aop.MutexedMethodValidator;
import dev.slocket.spring.aop.MutexedOperationSource;
import dev.slocket.spring.aop.MutexedRegistries;
import dev.slocket.spring.aop.MutexedReturnHandler;
import dev.slocket.spring.aop.MutexedReturnHandlers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds the application's {@link LockRegistry} from the {@code slocket.*} properties. An
 * application-defined {@code LockRegistry} bean wins; {@code slocket.enabled=false} turns
 * everything off.
 *
 * <p>Each backend is one nested configuration that matches its {@code slocket.backend} value
 * and one properties group; when none matched, {@link #unknownBackend} reports the value. Each
 * {@code slocket.registries.<id>} adds a further registry ({@link NamedRegistriesRegistrar}).
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "slocket.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ SlocketProperties.class, SlocketLostLockProperties.class })
@Import(MutexedProxyRegistrar.class)
public final class SlocketAutoConfiguration {

    static final String BACKEND_PROPERTY = "slocket.backend";

    /**
     * Runs after every backend configuration: reaching it means no backend matched.
     *
     * @param properties the bound properties
     * @return never
     */
    @Bean
    @ConditionalOnMissingBean
    LockRegistry unknownBackend(SlocketProperties properties) {
        throw new InvalidConfigurationPropertyValueException(BACKEND_PROPERTY, properties.getBackend(),
                "Unknown lock backend; supported values: " + String.join(", ", supportedBackends()) + ".");
    }

    @Bean
    static NamedRegistriesRegistrar slocketNamedRegistriesRegistrar(Environment environment) {
        return new NamedRegistriesRegistrar(environment);
    }

    /** @return the {@code slocket.backend} values of the nested backend configurations */
    static List<String> supportedBackends() {
        return Arrays.stream(SlocketAutoConfiguration.class.getDeclaredClasses())
                .map(type -> type.getAnnotation(ConditionalOnProperty.class))
                .filter(condition -> condition != null && Arrays.asList(condition.name()).contains(BACKEND_PROPERTY))
                .map(ConditionalOnProperty::havingValue).distinct().sorted().toList();
    }

    /**
     * A registry that the context shuts down ({@code GracefulLockShutdown}, bounded by the
     * shutdown phase timeout), so it has no JVM shutdown hook of its own and its {@code close()}
     * adds no grace period of its own.
     */
    static LockRegistry managedRegistry(LockBackend backend, Duration defaultWait) {
        return Slocket.registry(backend, RegistryOptions.defaults().withDefaultWait(defaultWait)
                .withShutdownGrace(Duration.ZERO).withShutdownHook(false));
    }

    /**
     * The {@code @Mutexed} advice. Its beans are infrastructure created before ordinary beans,
     * so they read {@code slocket.*} through a {@link Binder} and look the registry up lazily.
     */
    @Configuration(proxyBeanMethods = false)
    static class MutexedAopConfiguration {

        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static MutexedOperationSource mutexedOperationSource(Environment environment,
                ObjectProvider<MutexedReturnHandler> handlers, ListableBeanFactory beanFactory) {
            List<MutexedReturnHandler> all = new ArrayList<>(handlers.orderedStream().toList());
            all.add(MutexedReturnHandlers.completionStage());
            all.add(MutexedReturnHandlers.publisher());
            all.add(MutexedReturnHandlers.blocking());
            return new MutexedOperationSource(environment, all, new MutexedRegistries(beanFactory));
        }

        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static MutexedMethodValidator mutexedMethodValidator(MutexedOperationSource mutexedOperationSource) {
            return new MutexedMethodValidator(mutexedOperationSource);
        }

        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static InFlightCalls mutexedInFlightCalls() {
            return new InFlightCalls();
        }

        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static Advisor mutexedAdvisor(MutexedOperationSource mutexedOperationSource, BeanFactory beanFactory,
                Environment environment, InFlightCalls mutexedInFlightCalls) {
            Binder binder = Binder.get(environment);
            Duration defaultWait = binder.bind("slocket.wait-timeout", Duration.class).orElse(null);
            int order = binder.bind("slocket.aop.order", Integer.class).orElse(SlocketProperties.Aop.DEFAULT_ORDER);
            boolean interruptOnLoss = binder.bind("slocket.lost-lock.interrupt", Boolean.class).orElse(false);
            MutexedInterceptor interceptor = new MutexedInterceptor(mutexedOperationSource,
                    new LockNameEvaluator(beanFactory), defaultWait,
                    mutexedInFlightCalls, interruptOnLoss);
            DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
                    new AnnotationMatchingPointcut(null, Mutexed.class, true), interceptor);
            advisor.setOrder(order);
            return advisor;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(LockRegistry.class)
    @ConditionalOnProperty(name = BACKEND_PROPERTY, havingValue = "socket", matchIfMissing = true)
    static class SocketBackendConfiguration {

        @Bean
        LockRegistry lockRegistry(SlocketProperties properties) {
            return managedRegistry(new SocketLockBackend(SocketOptionsFactory.create(properties.getSocket())),
                    properties.getWaitTimeout());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(LockRegistry.class)
    @ConditionalOnProperty(name = BACKEND_PROPERTY, havingValue = "memory")
    static class MemoryBackendConfiguration {

        @Bean
        LockRegistry lockRegistry(SlocketProperties properties) {
            return managedRegistry(new MemoryLockBackend(), properties.getWaitTimeout());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(LockRegistry.class)
    @ConditionalOnProperty(name = BACKEND_PROPERTY, havingValue = "file")
    @EnableConfigurationProperties(SlocketFileProperties.class)
    static class FileBackendConfiguration {

        @Bean
        LockRegistry lockRegistry(SlocketProperties properties, SlocketFileProperties file) {
            return managedRegistry(new FileLockBackend(FileOptionsFactory.create(file)), properties.getWaitTimeout());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(LockRegistry.class)
    @ConditionalOnProperty(name = BACKEND_PROPERTY, havingValue = "s3")
    @ConditionalOnClass(name = "software.amazon.awssdk.services.s3.S3Client")
    @EnableConfigurationProperties(SlocketS3Properties.class)
    static class S3BackendConfiguration {

        static final String CLIENT_BEAN = "slocketS3Client";

        /** Closed by the lock backend, after the last release marker, not when the context closes. */
        @Bean(name = CLIENT_BEAN, destroyMethod = "")
        @ConditionalOnMissingBean(S3Client.class)
        S3Client slocketS3Client(SlocketS3Properties s3) {
            return S3ClientFactory.create(s3);
        }

        @Bean
        LockRegistry lockRegistry(SlocketProperties properties, SlocketS3Properties s3, S3Client s3Client,
                BeanFactory beanFactory) {
            LockBackend backend = new S3LockBackend(s3Client, S3OptionsFactory.create(s3));
            boolean ownClient = beanFactory.containsBean(CLIENT_BEAN) && beanFactory.getBean(CLIENT_BEAN) == s3Client;
            return managedRegistry(ownClient ? new ClientClosingBackend(backend, s3Client) : backend,
                    properties.getWaitTimeout());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(LockRegistry.class)
    @ConditionalOnProperty(name = BACKEND_PROPERTY, havingValue = "s3")
    @ConditionalOnMissingClass("software.amazon.awssdk.services.s3.S3Client")
    static class S3WithoutSdkConfiguration {

        @Bean
        LockRegistry lockRegistry() {
            throw new InvalidConfigurationPropertyValueException(BACKEND_PROPERTY, "s3",
                    "The s3 backend needs the AWS SDK for Java v2 (software.amazon.awssdk:s3) on the class path.");
        }
    }
}
