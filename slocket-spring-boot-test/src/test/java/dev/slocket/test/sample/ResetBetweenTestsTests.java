package dev.slocket.test.sample;

import dev.slocket.LockRegistry;
import dev.slocket.test.AutoConfigureSlocket;
import dev.slocket.test.TestLocks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The first test leaves locks held; the second one, in the same cached context, finds none. */
@SpringBootTest
@AutoConfigureSlocket
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResetBetweenTestsTests {

    @Autowired
    LockRegistry registry;

    @Autowired
    TestLocks testLocks;

    @Test
    @Order(1)
    void leavesLocksHeld() throws Exception {
        registry.acquire("left-held");
        registry.acquireAsync("left-held-async", Duration.ZERO).get(5, TimeUnit.SECONDS);
        testLocks.holdElsewhere("left-held-elsewhere");
        assertThat(testLocks.held()).containsExactly("left-held", "left-held-async");
    }

    @Test
    @Order(2)
    void findsEveryLockFreeAndTheHistoryEmpty() throws Exception {
        assertThat(testLocks.held()).isEmpty();
        assertThat(testLocks.history().events()).isEmpty();
        for (String name : new String[] { "left-held", "left-held-async", "left-held-elsewhere" }) {
            registry.acquireAsync(name, Duration.ZERO).get(5, TimeUnit.SECONDS).release();
        }
    }
}
