package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockInfo;
import dev.slocket.LockLoss;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.annotation.Mutexed;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

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

/**
 * The lock wraps {@code @Transactional} by default: at the moment of release, the row the method
 * wrote is already committed (visible from another connection). With {@code slocket.aop.order}
 * the lock is taken inside the transaction, and still released only after the commit.
 */
class MutexedTransactionTests {

    private final ApplicationContextRunner runner = Runners.memory();

    @Test
    void withTheDefaultOrderTheTransactionCommitsBeforeTheRelease() {
        runner.withUserConfiguration(DefaultTransactions.class).run(context -> {
            context.getBean(Ledger.class).post("a");
            assertThat(context.getBean(ReleaseProbe.class).committedAtRelease).containsEntry("ledger", true);
        });
    }

    @Test
    void aLockTakenInsideTheTransactionIsReleasedAfterItCommits() {
        runner.withUserConfiguration(EarlyTransactions.class).run(context -> {
            context.getBean(Ledger.class).post("b");
            assertThat(context.getBean(ReleaseProbe.class).committedAtRelease).containsEntry("ledger", true);
        });
        runner.withUserConfiguration(EarlyTransactions.class).withPropertyValues("slocket.aop.order=50")
                .run(context -> {
                    context.getBean(Ledger.class).post("c");
                    assertThat(context.getBean(ReleaseProbe.class).committedAtRelease).containsEntry("ledger", true);
                });
    }

    public static class Ledger {

        private final JdbcTemplate jdbc;

        Ledger(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Mutexed("ledger")
        @Transactional
        public void post(String entry) {
            jdbc.update("insert into ledger(entry) values (?)", entry);
        }
    }

    /** Records, when "ledger" is released, whether another connection sees the posted row. */
    static final class ReleaseProbe {

        final Map<String, Boolean> committedAtRelease = new ConcurrentHashMap<>();

        private final DataSource dataSource;

        ReleaseProbe(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        void released(String name) {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("select count(*) from ledger")) {
                rows.next();
                committedAtRelease.put(name, rows.getInt(1) > 0);
            }
            catch (SQLException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    /** A registry whose locks tell the probe when they are released. */
    record ProbedRegistry(LockRegistry delegate, ReleaseProbe probe) implements LockRegistry {

        @Override
        public HeldLock acquire(String name) {
            return probed(delegate.acquire(name));
        }

        @Override
        public HeldLock acquire(String name, Duration wait) {
            return probed(delegate.acquire(name, wait));
        }

        @Override
        public CompletableFuture<HeldLock> acquireAsync(String name, Duration wait) {
            return delegate.acquireAsync(name, wait).thenApply(this::probed);
        }

        @Override
        public List<LockInfo> locks() {
            return delegate.locks();
        }

        @Override
        public void addLockLostListener(Consumer<LockLoss> listener) {
            delegate.addLockLostListener(listener);
        }

        @Override
        public String backendType() {
            return delegate.backendType();
        }

        @Override
        public void close() {
            delegate.close();
        }

        private HeldLock probed(HeldLock lock) {
            return new HeldLock() {

                @Override
                public String name() {
                    return lock.name();
                }

                @Override
                public long fencingToken() {
                    return lock.fencingToken();
                }

                @Override
                public Instant acquiredAt() {
                    return lock.acquiredAt();
                }

                @Override
                public boolean isHeld() {
                    return lock.isHeld();
                }

                @Override
                public void release() {
                    if (lock.isHeld()) {
                        probe.released(lock.name());
                    }
                    lock.release();
                }

                @Override
                public void releaseNoEarlierThan(Instant notBefore) {
                    release();
                }

                @Override
                public void onLost(Consumer<LockLoss> listener) {
                    lock.onLost(listener);
                }

                @Override
                public void close() {
                    release();
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Database {

        @Bean(destroyMethod = "shutdown")
        DataSource dataSource() {
            return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true)
                    .addScript("classpath:ledger.sql").build();
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }

        @Bean
        ReleaseProbe releaseProbe(DataSource dataSource) {
            return new ReleaseProbe(dataSource);
        }

        @Bean
        LockRegistry probedRegistry(ReleaseProbe probe) {
            return new ProbedRegistry(Slocket.memory(), probe);
        }

        @Bean
        Ledger ledger(DataSource dataSource) {
            return new Ledger(new JdbcTemplate(dataSource));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    static class DefaultTransactions extends Database {
    }

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement(order = 100)
    static class EarlyTransactions extends Database {
    }
}
