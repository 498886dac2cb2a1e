package dev.slocket.spring.aop;

import dev.slocket.LockContext;
import dev.slocket.annotation.Mutexed;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** Class-based and interface-based proxies, with and without AspectJ on the class path. */
class MutexedProxyTests {

    @Test
    void classBasedProxiesByDefault() {
        Runners.memory().withUserConfiguration(Beans.class).run(context -> {
            Greeter greeter = context.getBean(Greeter.class);
            assertThat(AopUtils.isCglibProxy(greeter)).isTrue();
            assertThat(greeter.greet("ada")).isEqualTo("greet-ada");
            assertThat(context.getBean(PlainGreeter.class).greet("bob")).isEqualTo("plain-bob");
        });
    }

    @Test
    void interfaceBasedProxies() {
        Runners.memory().withUserConfiguration(Beans.class).withPropertyValues("spring.aop.proxy-target-class=false")
                .run(context -> {
                    Greeter greeter = context.getBean(Greeter.class);
                    assertThat(AopUtils.isJdkDynamicProxy(greeter)).isTrue();
                    assertThat(greeter.greet("ada")).isEqualTo("greet-ada");
                });
    }

    @Test
    void worksWithoutAspectJOrBootsAopAutoConfiguration() {
        Runners.memory().withClassLoader(new FilteredClassLoader("org.aspectj")).withUserConfiguration(Beans.class)
                .run(context -> assertThat(context.getBean(Greeter.class).greet("ada")).isEqualTo("greet-ada"));
        Runners.memory().withPropertyValues("spring.aop.auto=false").withUserConfiguration(Beans.class)
                .run(context -> assertThat(context.getBean(Greeter.class).greet("ada")).isEqualTo("greet-ada"));
    }

    public interface Greeter {

        String greet(String who);
    }

    public static class InterfaceGreeter implements Greeter {

        @Override
        @Mutexed("greet-#{#who}")
        public String greet(String who) {
            return LockContext.current().name();
        }
    }

    public static class PlainGreeter {

        @Mutexed("plain-#{#who}")
        public String greet(String who) {
            return LockContext.current().name();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        Greeter greeter() {
            return new InterfaceGreeter();
        }

        @Bean
        PlainGreeter plainGreeter() {
            return new PlainGreeter();
        }
    }
}
