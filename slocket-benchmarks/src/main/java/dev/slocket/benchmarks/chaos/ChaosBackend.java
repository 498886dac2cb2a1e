package dev.slocket.benchmarks.chaos;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.file.FileLockOptions;
import dev.slocket.s3.S3LockOptions;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The backends a chaos run can stage, with the timing that decides which faults a lock may lose
 * to: the file backend's {@code stale} and the S3 lease are short here (2 s) so that a run sees
 * many freezes longer than them.
 */
enum ChaosBackend {

    /** Unix-domain sockets: no lease, so a frozen holder keeps its lock for as long as it is frozen. */
    SOCKET,

    /** Lock directories: a holder frozen past {@code stale - update} may lose its lock to a takeover. */
    FILE,

    /** S3 conditional writes: a holder frozen past the lease less one renewal interval may lose its lock. */
    S3,

    /**
     * One in-memory registry per process, i.e. no exclusion across processes at all: a run on it
     * must find double holders, which shows that the checks catch them.
     */
    MEMORY;

    static final Duration FILE_STALE = Duration.ofSeconds(2);

    static final Duration FILE_UPDATE = Duration.ofSeconds(1);

    static final Duration S3_LEASE = Duration.ofSeconds(2);

    static final Duration S3_SAFETY_MARGIN = Duration.ofMillis(500);

    static final String S3_BUCKET = "slocket-chaos";

    /**
     * @return how long a holder must have been frozen before another process may take its lock
     *         over, or {@code null} if no freeze lets anyone in
     */
    Duration takeoverFloor() {
        return switch (this) {
            // the last refresh may be "update" old when the pause starts
            case FILE -> FILE_STALE.minus(FILE_UPDATE);
            // the last renewal may be a renewal interval (a third of the lease) old
            case S3 -> S3_LEASE.minus(S3_LEASE.dividedBy(3));
            case SOCKET, MEMORY -> null;
        };
    }

    /** @return the lowercase name used on the command line and in reports */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ChaosBackend of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    /** Opens the registry a worker process uses. */
    LockRegistry open(WorkerSettings settings) {
        return switch (this) {
            case SOCKET -> Slocket.socket(settings.lockDirectory());
            case FILE -> Slocket.file(FileLockOptions.builder(settings.lockDirectory()).stale(FILE_STALE)
                    .update(FILE_UPDATE).build());
            case S3 -> Slocket.s3(s3Client(settings.endpoint()), S3LockOptions.builder(S3_BUCKET).lease(S3_LEASE)
                    .safetyMargin(S3_SAFETY_MARGIN).poll(Duration.ofMillis(20), Duration.ofMillis(500))
                    .requestTimeout(Duration.ofSeconds(1)).failureTimeout(Duration.ofSeconds(5)).build());
            case MEMORY -> Slocket.memory();
        };
    }

    private static S3Client s3Client(String endpoint) {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("local-identity", "local-credential")))
                .build();
    }
}
