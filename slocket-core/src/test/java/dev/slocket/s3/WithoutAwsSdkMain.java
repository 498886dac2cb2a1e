package dev.slocket.s3;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;

/** Runs in a JVM without the AWS SDK: the other factories of {@link Slocket} must still work. */
public final class WithoutAwsSdkMain {

    private WithoutAwsSdkMain() {
    }

    public static void main(String[] args) throws Exception {
        try {
            Class.forName("software.amazon.awssdk.services.s3.S3Client");
            System.out.println("SDK PRESENT");
            return;
        }
        catch (ClassNotFoundException expected) {
            // the point of this run
        }
        try (LockRegistry locks = Slocket.memory(); HeldLock lock = locks.acquire("no-sdk")) {
            System.out.println("MEMORY OK " + lock.fencingToken());
        }
    }
}
