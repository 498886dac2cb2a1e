package dev.slocket.spring.aop;

import dev.slocket.annotation.Mutexed;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Fails start-up for a {@code @Mutexed} declaration that would not work: an invalid name or
 * wait, a SKIP on a primitive return, or a method a Spring proxy cannot advise (private, final,
 * static, missing from the interfaces of a JDK proxy, or a bean that was not proxied at all).
 * Runs after the auto-proxy creator, so it sees the finished bean.
 */
public final class MutexedMethodValidator implements BeanPostProcessor {

    private final MutexedOperationSource operations;

    private final Map<Class<?>, Set<Method>> annotatedMethods = new ConcurrentHashMap<>();

    /**
     * @param operations validates and caches each declaration
     */
    public MutexedMethodValidator(MutexedOperationSource operations) {
        this.operations = operations;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> targetClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
        Set<Method> methods = annotatedMethods.computeIfAbsent(targetClass, MutexedMethodValidator::findAnnotated);
        for (Method method : methods) {
            checkAdvisable(method);
            operations.find(method, targetClass);
            checkAdvised(bean, beanName, method);
        }
        return bean;
    }

    private static Set<Method> findAnnotated(Class<?> type) {
        return MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<Mutexed>) method ->
                AnnotatedElementUtils.findMergedAnnotation(method, Mutexed.class)).keySet();
    }

    private static void checkAdvisable(Method method) {
        int modifiers = method.getModifiers();
        String kind = Modifier.isPrivate(modifiers) ? "private" : Modifier.isStatic(modifiers) ? "static"
                : Modifier.isFinal(modifiers) ? "final" : null;
        if (kind != null) {
            throw new IllegalStateException("@Mutexed on " + kind + " method " + MutexedOperationSource.describe(method)
                    + " cannot be advised by a Spring proxy; make it a non-final, non-static public method"
                    + " and call it through the bean");
        }
    }

    private static void checkAdvised(Object bean, String beanName, Method method) {
        boolean advised = bean instanceof Advised proxy && Arrays.stream(proxy.getAdvisors())
                .anyMatch(advisor -> advisor.getAdvice() instanceof MutexedInterceptor);
        if (!advised) {
            throw new IllegalStateException("Bean '" + beanName + "' has @Mutexed method "
                    + MutexedOperationSource.describe(method) + " but was not proxied, so the lock would be"
                    + " ignored; it may have been created before the auto-proxy creator (e.g. by a BeanPostProcessor)");
        }
        if (AopUtils.isJdkDynamicProxy(bean) && Arrays.stream(((Advised) bean).getProxiedInterfaces())
                .noneMatch(type -> ClassUtils.hasMethod(type, method.getName(), method.getParameterTypes()))) {
            throw new IllegalStateException("@Mutexed method " + MutexedOperationSource.describe(method)
                    + " of bean '" + beanName + "' is not declared on an interface of its JDK proxy, so callers"
                    + " cannot reach the advice; declare it on the interface or use class-based proxies"
                    + " (spring.aop.proxy-target-class=true)");
        }
    }
}
