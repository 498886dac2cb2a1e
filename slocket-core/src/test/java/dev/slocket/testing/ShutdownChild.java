package dev.slocket.testing;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.RegistryOptions;
import dev.slocket.Slocket;
import dev.slocket.file.FileLockBackend;
import dev.slocket.file.FileLockOptions;
import dev.slocket.s3.S3LockBackend;
import dev.slocket.s3.S3LockOptions;
import dev.slocket.s3.S3ProxyServer;
import dev.slocket.socket.SocketLockBackend;
import dev.slocket.socket.SocketLockOptions;
import dev.slocket.spi.LockBackend;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A plain Java program (no Spring) for shutdown tests, on the registry's defaults except the
 * grace period. Arguments: {@code <role> <socket|file|s3> <location> <name> [role args]}, where
 * the location is the lock directory or the S3 endpoint (bucket {@link S3ProxyServer#BUCKET}). Roles:
 * <ul>
 * <li>{@code hold <workMillis> <graceMillis> <hookMillis>}: a worker thread holds the lock and
 * works until {@code workMillis} after the shutdown began ({@link WorkLog}); the program's own
 * shutdown hook keeps the JVM up until the worker is done, at most {@code hookMillis}.</li>
 * <li>{@code wait}: prints {@code WAITING}, acquires, prints {@code ACQUIRED <epoch ms>}, releases
 * and exits.</li>
 * </ul>
 * File locks go stale after 2 s, S3 leases last 2 s: a holder that dies frees its lock quickly.
 */
public final class ShutdownChild {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private ShutdownChild() {
    }

    public static void main(String[] args) throws Exception {
        LockBackend backend = backend(args[1], args[2]);
        String name = args[3];
        if (args[0].equals("wait")) {
            try (LockRegistry locks = Slocket.registry(backend)) {
                System.out.println("WAITING");
                try (HeldLock lock = locks.acquire(name, WAIT)) {
                    System.out.println(WorkLog.ACQUIRED + " " + System.currentTimeMillis());
                }
            }
            return;
        }
        Duration work = Duration.ofMillis(Long.parseLong(args[4]));
        LockRegistry locks = Slocket.registry(backend,
                RegistryOptions.defaults().withShutdownGrace(Duration.ofMillis(Long.parseLong(args[5]))));
        Thread worker = new Thread(() -> {
            try (HeldLock lock = locks.acquire(name, WAIT)) {
                WorkLog.work(work);
            }
        }, "worker");
        long hookMillis = Long.parseLong(args[6]);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            WorkLog.shutdownBegins();
            try {
                worker.join(hookMillis);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, "application-shutdown"));
        worker.start();
    }

    /**
     * @param kind {@code socket}, {@code file} or {@code s3}
     * @param location the lock directory, or the S3 endpoint
     * @return a backend with the test timings
     */
    public static LockBackend backend(String kind, String location) {
        return switch (kind) {
            case "socket" -> new SocketLockBackend(SocketLockOptions.defaults(Path.of(location)));
            case "file" -> new FileLockBackend(FileLockOptions.builder(Path.of(location)).stale(Duration.ofSeconds(2))
                    .build());
            case "s3" -> S3.backend(URI.create(location));
            default -> throw new IllegalArgumentException("unknown backend " + kind);
        };
    }

    /** Loaded only for the S3 backend, so the others run without the AWS SDK on the class path. */
    private static final class S3 {

        static LockBackend backend(URI endpoint) {
            S3Client client = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("local-identity", "local-credential")))
                    .build();
            return new S3LockBackend(client, S3LockOptions.builder(S3ProxyServer.BUCKET).keyPrefix("shutdown/")
                    .lease(Duration.ofSeconds(2)).safetyMargin(Duration.ofMillis(500))
                    .poll(Duration.ofMillis(10), Duration.ofMillis(200)).build());
        }
    }
}
