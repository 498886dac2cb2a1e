package dev.slocket.spring.integration;

import dev.slocket.testing.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Integration's {@code LockRegistryLeaderInitiator} on the socket backend across two real
 * JVMs: one leader at a time, and leadership moves soon after the leader is SIGKILLed (the
 * kernel closes its lock socket at once).
 */
class LeaderElectionTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void oneLeaderAtATimeAndLeadershipMovesWithinThreeSecondsOfSigkill(@TempDir Path temp) throws Exception {
        Path locks = Files.createDirectory(temp.resolve("locks"));
        try (ChildJvm a = ChildJvm.start(temp, LeaderChild.class, locks.toString(), "a");
                ChildJvm b = ChildJvm.start(temp, LeaderChild.class, locks.toString(), "b")) {
            a.awaitLine("STARTED", WAIT);
            b.awaitLine("STARTED", WAIT);
            await().atMost(WAIT).until(() -> a.output().contains("GRANTED") || b.output().contains("GRANTED"));
            ChildJvm leader = a.output().contains("GRANTED") ? a : b;
            ChildJvm follower = leader == a ? b : a;
            // both keep running for leadership: the follower must stay a follower meanwhile
            await().during(Duration.ofSeconds(1)).atMost(WAIT)
                    .until(() -> !follower.output().contains("GRANTED") && !leader.output().contains("REVOKED"));

            long killedAt = System.currentTimeMillis();
            leader.kill();
            follower.awaitLine("GRANTED", WAIT);
            long grantedAt = Long.parseLong(grantLines(follower).get(0).substring("GRANTED ".length()).trim());
            assertThat(grantedAt - killedAt).as("ms from SIGKILL to the new leader").isLessThanOrEqualTo(3000);
        }
    }

    private static List<String> grantLines(ChildJvm child) {
        return child.lines().stream().filter(line -> line.startsWith("GRANTED ")).toList();
    }
}
