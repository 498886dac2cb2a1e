package dev.slocket.spring.aop;

import dev.slocket.LockRegistry;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Finds the registry a {@code @Mutexed} declaration names: the primary {@link LockRegistry} for
 * an empty id, otherwise the one {@code LockRegistry} bean qualified by (or named) the id, such
 * as each {@code slocket.registries.<id>} registry. Registries are created on first use, not
 * while declarations are checked.
 */
public final class MutexedRegistries {

    private final ListableBeanFactory beanFactory;

    private final Supplier<LockRegistry> primary;

    /** @param beanFactory holds the registries */
    public MutexedRegistries(ListableBeanFactory beanFactory) {
        this.beanFactory = beanFactory;
        this.primary = SingletonSupplier.of(() -> beanFactory.getBean(LockRegistry.class));
    }

    /**
     * @param id a registry id; empty for the primary registry
     * @return the registry, looked up on first use
     * @throws IllegalArgumentException if no single {@code LockRegistry} bean has that id
     */
    Supplier<LockRegistry> find(String id) {
        if (id.isEmpty()) {
            return primary;
        }
        List<String> matching = Arrays.stream(beanFactory.getBeanNamesForType(LockRegistry.class, true, false))
                .filter(name -> BeanFactoryAnnotationUtils.isQualifierMatch(id::equals, name, beanFactory)).toList();
        if (matching.size() != 1) {
            throw new IllegalArgumentException(matching.isEmpty()
                    ? "registry '" + id + "' is not configured (set slocket.registries." + id + ".backend)"
                    : "registry '" + id + "' matches several LockRegistry beans: " + matching);
        }
        String beanName = matching.get(0);
        return SingletonSupplier.of(() -> beanFactory.getBean(beanName, LockRegistry.class));
    }
}
