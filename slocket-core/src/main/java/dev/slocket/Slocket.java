package dev.slocket;

import dev.slocket.file.FileLockBackend;
import dev.slocket.file.FileLockOptions;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.s3.S3LockBackend;
import dev.slocket.s3.S3LockOptions;
import dev.slocket.socket.SocketLockBackend;
import dev.slocket.socket.SocketLockOptions;
import dev.slocket.spi.LockBackend;

import java.nio.file.Path;
import java.time.Duration;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * Entry point: creates lock registries for each backend.
 *
 * <pre>{@code
 * try (LockRegistry locks = Slocket.socket(Path.of("/run/myapp/locks"));
 *      HeldLock lock = locks.acquire("nightly-report", Duration.ofSeconds(30))) {
 *     ...
 * }
 * }</pre>
 */
public final class Slocket {

    private Slocket() {
    }

    /**
     * Locks shared by the processes of one host through Unix-domain sockets in {@code directory}.
     *
     * @param directory the lock directory, created with mode 0700 if missing
     * @return the registry
     */
    public static LockRegistry socket(Path directory) {
        return socket(SocketLockOptions.defaults(directory));
    }

    /**
     * @param options the socket backend's options
     * @return a registry on the socket backend
     */
    public static LockRegistry socket(SocketLockOptions options) {
        return registry(new SocketLockBackend(options));
    }

    /**
     * Locks shared by every process that sees {@code directory}, on one host or a shared file
     * system: lock {@code N} is the directory {@code <directory>/<encoded N>.lock}, compatible
     * with npm {@code proper-lockfile}. Defaults: stale after 10 s, refreshed every 5 s.
     *
     * @param directory the lock directory, created if missing
     * @return the registry
     */
    public static LockRegistry file(Path directory) {
        return file(FileLockOptions.defaults(directory));
    }

    /**
     * @param options the file backend's options
     * @return a registry on the file backend
     */
    public static LockRegistry file(FileLockOptions options) {
        return registry(new FileLockBackend(options));
    }

    /**
     * Locks shared by any number of hosts through S3 conditional writes in {@code bucket}, with
     * the default options (30 s lease, key prefix {@code slocket/}). Needs the AWS SDK v2
     * ({@code software.amazon.awssdk:s3}) on the class path; the other factories do not.
     *
     * @param client the S3 client; it stays the caller's and is not closed with the registry
     * @param bucket an existing bucket
     * @return the registry
     * @throws LockBackendException if the bucket is unreachable or does not support conditional creates
     */
    public static LockRegistry s3(S3Client client, String bucket) {
        return s3(client, S3LockOptions.defaults(bucket));
    }

    /**
     * @param client the S3 client; it stays the caller's and is not closed with the registry
     * @param options the S3 backend's options
     * @return a registry on the S3 backend
     * @throws LockBackendException if the bucket is unreachable or does not support conditional creates
     */
    public static LockRegistry s3(S3Client client, S3LockOptions options) {
        return registry(new S3LockBackend(client, options));
    }

    /**
     * @return a registry whose locks reach only this registry's threads; for tests and local
     *         development
     */
    public static LockRegistry memory() {
        return registry(new MemoryLockBackend());
    }

    /**
     * Wraps any backend in the in-JVM layer (per-name queue, reentrancy, loss reporting).
     *
     * @param backend the backend
     * @return a registry whose {@code acquire(name)} waits forever
     */
    public static LockRegistry registry(LockBackend backend) {
        return registry(backend, RegistryOptions.defaults());
    }

    /**
     * Wraps any backend in the in-JVM layer.
     *
     * @param backend the backend
     * @param defaultWait the wait of {@link LockRegistry#acquire(String)}; {@code null} waits forever
     * @return the registry
     */
    public static LockRegistry registry(LockBackend backend, Duration defaultWait) {
        return new LocalLockRegistry(backend, defaultWait);
    }

    /**
     * Wraps any backend in the in-JVM layer, with its default wait and shutdown behaviour.
     *
     * @param backend the backend
     * @param options the default wait, the shutdown grace period and whether to shut down with the JVM
     * @return the registry
     */
    public static LockRegistry registry(LockBackend backend, RegistryOptions options) {
        return LocalLockRegistry.create(backend, options);
    }
}
