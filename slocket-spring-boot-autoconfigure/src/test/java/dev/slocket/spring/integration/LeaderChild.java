package dev.slocket.spring.integration;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

/**
 * A child JVM that runs for leadership of the role {@code leader} with Spring Integration's
 * {@link LockRegistryLeaderInitiator} on a socket-backend {@link SlocketLockRegistry}. Prints
 * {@code GRANTED <epoch millis>} and {@code REVOKED <epoch millis>}.
 */
public final class LeaderChild {

    private LeaderChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        LockRegistry locks = Slocket.socket(Path.of(args[0]));
        LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(new SlocketLockRegistry(locks),
                new DefaultCandidate(args[1], "leader") {
                    @Override
                    public void onGranted(Context context) {
                        System.out.println("GRANTED " + System.currentTimeMillis());
                    }

                    @Override
                    public void onRevoked(Context context) {
                        System.out.println("REVOKED " + System.currentTimeMillis());
                    }
                });
        initiator.setHeartBeatMillis(200);
        initiator.setBusyWaitMillis(50);
        initiator.start();
        System.out.println("STARTED");
        new CountDownLatch(1).await();
    }
}
