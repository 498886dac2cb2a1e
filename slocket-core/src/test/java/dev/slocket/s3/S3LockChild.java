package dev.slocket.s3;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.testing.OccupancyMarker;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A child JVM for cross-process S3 tests.
 * Arguments: endpoint, key prefix, lock name, marker directory, mode ({@code contend} or
 * {@code hold}), rounds, lease in milliseconds. Prints {@code HELD <token>}, {@code LOST <token>}, {@code DONE}.
 */
public final class S3LockChild {

    private S3LockChild() {
    }

    public static void main(String[] args) throws Exception {
        S3Client client = S3Client.builder().endpointOverride(URI.create(args[0])).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("local-identity", "local-credential")))
                .build();
        String name = args[2];
        OccupancyMarker marker = new OccupancyMarker(Path.of(args[3]));
        String who = "child-" + ProcessHandle.current().pid();
        Duration lease = Duration.ofMillis(Long.parseLong(args[6]));
        try (LockRegistry locks = Slocket.s3(client, S3MultiProcessTest.options(args[1], lease))) {
            if (args[4].equals("hold")) {
                HeldLock lock = locks.acquire(name, Duration.ofSeconds(60));
                lock.onLost(loss -> System.out.println("LOST " + loss.fencingToken() + " " + loss.reason()));
                System.out.println("HELD " + lock.fencingToken());
                Thread.sleep(Long.MAX_VALUE);
            }
            int rounds = Integer.parseInt(args[5]);
            System.out.println("READY");
            for (int i = 0; i < rounds; i++) {
                try (HeldLock lock = locks.acquire(name, Duration.ofSeconds(60))) {
                    marker.enter(who, lock.fencingToken());
                    Thread.sleep(20);
                    marker.exit();
                }
            }
            System.out.println("DONE");
        }
    }
}
