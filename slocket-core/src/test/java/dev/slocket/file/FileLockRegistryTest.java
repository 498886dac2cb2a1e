package dev.slocket.file;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.LockRegistryContractTest;
import dev.slocket.Slocket;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.io.TempDir;

/**
 * The registry contract on the file backend: registries of one test share one lock directory.
 * A loss is induced the way an operator or a stale takeover would cause it: the lock directory
 * is removed under the holder, whose next heartbeat (within {@code update} = 1 s) reports it.
 */
class FileLockRegistryTest extends LockRegistryContractTest {

    @TempDir
    Path directory;

    @Override
    protected LockRegistry createRegistry() {
        return Slocket.file(FileLockOptions.builder(directory).stale(Duration.ofSeconds(2)).build());
    }

    @Override
    protected void induceLoss(LockRegistry owner, HeldLock lock) throws Exception {
        Files.delete(directory.resolve(LockPaths.lockDirName(lock.name())));
    }

    @Override
    protected Duration lossDetectionTime() {
        return Duration.ofSeconds(3);
    }

    @Override
    protected int fuzzRounds() {
        return 100;
    }
}
