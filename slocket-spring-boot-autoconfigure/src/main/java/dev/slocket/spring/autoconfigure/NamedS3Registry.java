package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;

import java.time.Duration;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A {@code slocket.registries.<id>} registry on the s3 backend. It builds its own client from its
 * {@code s3.endpoint}, {@code s3.region} and {@code s3.path-style-access}; the client is a bean of
 * its own that is never injected by type, so it is closed after the registry. Loaded only when the
 * AWS SDK is present.
 */
final class NamedS3Registry {

    private NamedS3Registry() {
    }

    /** @return the name of the client's bean */
    static String registerClient(BeanDefinitionRegistry registry, String prefix, SlocketS3Properties s3) {
        String name = prefix + ".s3-client";
        RootBeanDefinition client = new RootBeanDefinition(S3Client.class,
                () -> S3ClientFactory.create(prefix + ".s3", s3));
        client.setDefaultCandidate(false);
        client.setDestroyMethodName(AbstractBeanDefinition.INFER_METHOD);
        registry.registerBeanDefinition(name, client);
        return name;
    }

    static LockRegistry create(BeanFactory beanFactory, String client, String prefix, SlocketS3Properties s3,
            Duration wait) {
        S3Client s3Client = beanFactory.getBean(client, S3Client.class);
        return Slocket.registry(S3BackendFactory.create(prefix + ".s3", s3Client, s3), wait);
    }
}
