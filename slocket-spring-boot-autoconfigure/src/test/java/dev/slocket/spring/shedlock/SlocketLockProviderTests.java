package dev.slocket.spring.shedlock;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.memory.MemoryLockBackend;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * ShedLock's provider contract over a slocket registry (memory backend; a second registry on the
 * same backend stands for another process).
 */
class SlocketLockProviderTests {

    private static final Duration AT_MOST = Duration.ofSeconds(30);

    private final MemoryLockBackend backend = new MemoryLockBackend();

    private final LockRegistry locks = Slocket.registry(backend);

    private final LockRegistry otherProcess = Slocket.registry(backend);

    private final SlocketLockProvider provider = new SlocketLockProvider(locks);

    private final ExecutorService otherThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        otherThread.shutdownNow();
        locks.close();
        otherProcess.close();
    }

    @Test
    void lockNeverWaitsAndIsEmptyWhileTheNameIsHeldAnywhere() throws Exception {
        SimpleLock lock = provider.lock(config("tick", Duration.ZERO)).orElseThrow();
        assertThat(provider.lock(config("tick", Duration.ZERO))).as("same thread: not reentrant").isEmpty();
        assertThat(otherThread.submit(() -> provider.lock(config("tick", Duration.ZERO))).get()).isEmpty();
        assertThat(new SlocketLockProvider(otherProcess).lock(config("tick", Duration.ZERO))).isEmpty();
        assertThat(provider.lock(config("other", Duration.ZERO))).hasValueSatisfying(SimpleLock::unlock);
        lock.unlock();
        assertThat(otherProcess.tryAcquire("tick")).hasValueSatisfying(held -> held.release());
    }

    @Test
    void unlockBeforeLockAtLeastForKeepsTheLockHeldUntilThenWithoutAThread() {
        Instant start = Instant.now();
        SimpleLock lock = provider.lock(config("tick", Duration.ofMillis(400))).orElseThrow();
        lock.unlock();
        assertThat(otherProcess.tryAcquire("tick")).isEmpty();
        assertThat(provider.lock(config("tick", Duration.ZERO))).isEmpty();
        await().atMost(AT_MOST).until(() -> otherProcess.tryAcquire("tick").map(held -> {
            held.release();
            return true;
        }).orElse(false));
        assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void unlockAfterLockAtLeastForReleasesAtOnce() {
        provider.lock(config("tick", Duration.ZERO)).orElseThrow().unlock();
        assertThat(otherProcess.tryAcquire("tick")).hasValueSatisfying(held -> held.release());
    }

    @Test
    void extendKeepsTheLockAndRestartsLockAtLeastFor() {
        SimpleLock lock = provider.lock(config("tick", Duration.ZERO)).orElseThrow();
        Optional<SimpleLock> extended = lock.extend(AT_MOST, Duration.ofMillis(300));
        assertThat(extended).isPresent();
        assertThatIllegalStateException().isThrownBy(lock::unlock);
        assertThat(otherProcess.tryAcquire("tick")).isEmpty();
        extended.get().unlock();
        assertThat(otherProcess.tryAcquire("tick")).isEmpty();
        await().atMost(AT_MOST).until(() -> otherProcess.tryAcquire("tick").map(held -> {
            held.release();
            return true;
        }).orElse(false));
    }

    @Test
    void aLostLockCannotBeExtendedAndAUsedLockCannotBeUnlockedTwice() {
        SimpleLock lock = provider.lock(config("tick", Duration.ZERO)).orElseThrow();
        backend.revoke("tick", "revoked by the test");
        assertThat(lock.extend(AT_MOST, Duration.ZERO)).isEmpty();
        lock.unlock();
        assertThatIllegalStateException().isThrownBy(lock::unlock).withMessageContaining("tick");
    }

    private static LockConfiguration config(String name, Duration lockAtLeastFor) {
        return new LockConfiguration(Instant.now(), name, AT_MOST, lockAtLeastFor);
    }
}
