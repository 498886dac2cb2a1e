package dev.slocket.spring.aop;

import dev.slocket.LockContext;
import dev.slocket.LockLostException;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.annotation.Mutexed;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.testing.SharedBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A {@code @Mutexed} method that joins a transaction started by its caller keeps the lock until
 * that transaction completes, so that the next holder reads what this one committed.
 */
class MutexedJoinedTransactionTests {

    private final ApplicationContextRunner runner = Runners.memory().withUserConfiguration(Beans.class);

    @Test
    void readModifyWriteInsideAnOuterTransactionLosesNoUpdate() {
        runner.run(context -> {
            Outer outer = context.getBean(Outer.class);
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int thread = 0; thread < 4; thread++) {
                    done.add(threads.submit(() -> {
                        for (int call = 0; call < 50; call++) {
                            outer.increment();
                        }
                    }));
                }
                for (Future<?> future : done) {
                    future.get(60, TimeUnit.SECONDS);
                }
            }
            finally {
                threads.shutdownNow();
            }
            assertThat(context.getBean(Counter.class).total()).isEqualTo(200);
        });
    }

    @Test
    void theLockIsHeldUntilTheOuterTransactionRollsBackAndThenReleased() {
        runner.run(context -> {
            LockRegistry registry = context.getBean(LockRegistry.class);
            Outer outer = context.getBean(Outer.class);
            assertThatExceptionOfType(IllegalStateException.class)
                    .isThrownBy(() -> outer.incrementThenFail(() -> assertThat(Runners.isFree(registry, "counter"))
                            .as("held after the inner call returned, inside the transaction").isFalse()));
            assertThat(Runners.isFree(registry, "counter")).as("released after the rollback").isTrue();
            assertThat(context.getBean(Counter.class).total()).isZero();
        });
    }

    @Test
    void aLockLostBeforeTheCommitRollsTheTransactionBack() {
        runner.run(context -> {
            MemoryLockBackend backend = context.getBean(MemoryLockBackend.class);
            Outer outer = context.getBean(Outer.class);
            assertThatExceptionOfType(LockLostException.class)
                    .isThrownBy(() -> outer.incrementThen(() -> backend.revoke("counter", "revoked by the test"), false));
            assertThat(context.getBean(Counter.class).total()).isZero();
            assertThat(Runners.isFree(context.getBean(LockRegistry.class), "counter")).isTrue();
        });
    }

    /** What the outer transaction does after the inner call. */
    @FunctionalInterface
    interface Step {

        void run() throws Exception;
    }

    public static class Counter {

        private final JdbcTemplate jdbc;

        Counter(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Mutexed("counter")
        public void increment() {
            int total = total();
            assertThat(LockContext.current().name()).isEqualTo("counter");
            jdbc.update("update counter set total = ? where id = 1", total + 1);
        }

        public int total() {
            return jdbc.queryForObject("select total from counter where id = 1", Integer.class);
        }
    }

    public static class Outer {

        private final Counter counter;

        Outer(Counter counter) {
            this.counter = counter;
        }

        @Transactional
        public void increment() {
            counter.increment();
        }

        @Transactional
        public void incrementThenFail(Step afterIncrement) throws Exception {
            incrementThen(afterIncrement, true);
        }

        @Transactional
        public void incrementThen(Step afterIncrement, boolean fail) throws Exception {
            counter.increment();
            afterIncrement.run();
            if (fail) {
                throw new IllegalStateException("the outer transaction fails");
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    static class Beans {

        @Bean(destroyMethod = "shutdown")
        DataSource dataSource() {
            return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true)
                    .addScript("classpath:counter.sql").build();
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }

        @Bean
        MemoryLockBackend memoryLockBackend() {
            return new MemoryLockBackend();
        }

        @Bean
        LockRegistry lockRegistry(MemoryLockBackend backend) {
            return Slocket.registry(new SharedBackend(backend));
        }

        @Bean
        Counter counter(DataSource dataSource) {
            return new Counter(new JdbcTemplate(dataSource));
        }

        @Bean
        Outer outer(Counter counter) {
            return new Outer(counter);
        }
    }
}
