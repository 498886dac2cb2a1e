package dev.slocket;

import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.testing.SharedBackend;

/**
 * The contract on the in-memory backend; registries of one test share one backend.
 */
class MemoryLockRegistryTest extends LockRegistryContractTest {

    private final MemoryLockBackend backend = new MemoryLockBackend();

    @Override
    protected LockRegistry createRegistry() {
        return Slocket.registry(new SharedBackend(backend));
    }

    @Override
    protected void induceLoss(LockRegistry owner, HeldLock lock) {
        backend.revoke(lock.name(), "revoked by the test");
    }
}
