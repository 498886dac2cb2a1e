package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.socket.SocketLockBackend;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the application's {@link LockRegistry} from the {@code slocket.*} properties. An
 * application-defined {@code LockRegistry} bean wins; {@code slocket.enabled=false} turns
 * everything off.
 *
 * <p>Each backend is one nested configuration that matches its {@code slocket.backend} value
 * and one properties group; when none matched, {@link #unknownBackend} reports the value.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "slocket.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SlocketProperties.class)
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
                "Unknown lock backend; supported values: socket, memory.");
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(LockRegistry.class)
    @ConditionalOnProperty(name = BACKEND_PROPERTY, havingValue = "socket", matchIfMissing = true)
    static class SocketBackendConfiguration {

        @Bean
        LockRegistry lockRegistry(SlocketProperties properties) {
            return Slocket.registry(new SocketLockBackend(SocketOptionsFactory.create(properties.getSocket())),
                    properties.getWaitTimeout());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(LockRegistry.class)
    @ConditionalOnProperty(name = BACKEND_PROPERTY, havingValue = "memory")
    static class MemoryBackendConfiguration {

        @Bean
        LockRegistry lockRegistry(SlocketProperties properties) {
            return Slocket.registry(new MemoryLockBackend(), properties.getWaitTimeout());
        }
    }
}
