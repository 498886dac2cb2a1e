package dev.slocket.internal;

import dev.slocket.HeldLock;
import dev.slocket.LockLoss;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.testing.SharedBackend;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a nested handle leaves behind, and deferred releases when the registry closes. */
class NestedAndDeferredReleaseTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aNestedHandleDropsItsLossListenersWhenReleased() {
        MemoryLockBackend backend = new MemoryLockBackend();
        try (LocalLockRegistry registry = new LocalLockRegistry(backend, null)) {
            HeldLock outer = registry.acquire("nested", WAIT);
            List<String> heard = new CopyOnWriteArrayList<>();
            outer.onLost(loss -> heard.add("outer"));
            WeakReference<Consumer<LockLoss>> dropped = nestAndRelease(registry, heard);
            await().atMost(WAIT).until(() -> {
                System.gc();
                return dropped.get() == null;
            });
            HeldLock active = registry.acquire("nested", WAIT);
            active.onLost(loss -> heard.add("active nested"));
            backend.revoke("nested", "revoked by the test");
            await().atMost(WAIT).until(() -> heard.size() == 2);
            assertThat(heard).containsExactlyInAnyOrder("outer", "active nested");
        }
    }

    private static WeakReference<Consumer<LockLoss>> nestAndRelease(LocalLockRegistry registry, List<String> heard) {
        Consumer<LockLoss> listener = loss -> heard.add("released nested");
        HeldLock nested = registry.acquire("nested", WAIT);
        nested.onLost(listener);
        nested.release();
        return new WeakReference<>(listener);
    }

    @Test
    void closingTheRegistryEndsADeferredReleaseAtOnce() {
        MemoryLockBackend backend = new MemoryLockBackend();
        LocalLockRegistry registry = new LocalLockRegistry(new SharedBackend(backend), null);
        HeldLock lock = registry.acquire("deferred", WAIT);
        lock.release(Duration.ofHours(1));
        assertThat(lock.isHeld()).as("held during the deferred part").isTrue();
        registry.close();
        assertThat(lock.isHeld()).isFalse();
        try (LocalLockRegistry other = new LocalLockRegistry(new SharedBackend(backend), null)) {
            assertThat(other.tryAcquireOrNull("deferred")).isNotNull();
        }
    }
}
