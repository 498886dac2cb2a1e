package dev.slocket.socket;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A socket test with child JVMs: each test has its own lock and work directories, and its children
 * and registries are gone after it.
 */
abstract class SocketProcessTest {

    /** How long a child may take to start and take its lock. */
    static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path root;

    SocketTestSupport support;

    @BeforeEach
    void openSupport() throws Exception {
        support = new SocketTestSupport(root);
    }

    @AfterEach
    void closeSupport() throws Exception {
        support.close();
    }
}
