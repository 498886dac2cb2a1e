package dev.slocket.socket;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.testing.OccupancyMarker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Wire compatibility with npm {@code slocket} 1.0.5 (spec §14): a Java process and a Node process
 * on one socket path exclude each other, with the Java side on {@code staleSocketPolicy=WAIT}
 * (SL-39), whichever of them is the arbiter. Both sides enter the same occupancy marker.
 */
class NodeInteropTest {

    private static final Path NODE_PREFIX = Path.of("target", "node-slocket").toAbsolutePath();

    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private SocketTestSupport support;

    private LockRegistry java;

    private OccupancyMarker marker;

    private final List<Process> nodes = new ArrayList<>();

    @BeforeAll
    static void installNodeSlocket() throws Exception {
        if (!Files.exists(NODE_PREFIX.resolve("node_modules/slocket/package.json"))) {
            Files.createDirectories(NODE_PREFIX);
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix",
                    NODE_PREFIX.toString(), "slocket@1.0.5").redirectErrorStream(true)
                    .redirectOutput(NODE_PREFIX.resolve("npm-install.log").toFile()).start();
            assertThat(npm.waitFor(180, TimeUnit.SECONDS)).as("npm install finished").isTrue();
            assertThat(npm.exitValue()).as(Files.readString(NODE_PREFIX.resolve("npm-install.log"))).isZero();
        }
        try (InputStream script = NodeInteropTest.class.getResourceAsStream("/node/interop.js")) {
            Files.copy(script, NODE_PREFIX.resolve("interop.js"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        support = new SocketTestSupport(root);
        java = Slocket.socket(SocketLockOptions.builder(support.lockDir()).staleSocketPolicy(StaleSocketPolicy.WAIT)
                .build());
        marker = new OccupancyMarker(support.workDir());
    }

    @AfterEach
    void tearDown() throws Exception {
        java.close();
        for (Process node : nodes) {
            node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        support.close();
    }

    private Path socket(String name) {
        return new SocketLockBackend(SocketLockOptions.defaults(support.lockDir())).socketPath(name);
    }

    private Path node(String name, String id) throws IOException {
        Path log = support.workDir().resolve("node-" + id + ".log");
        nodes.add(new ProcessBuilder("node", NODE_PREFIX.resolve("interop.js").toString(), socket(name).toString(),
                support.workDir().toString(), id).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        return log;
    }

    private static void awaitLine(Path log, String text) {
        await().atMost(START).pollInterval(Duration.ofMillis(10))
                .failFast("node failed: " + log, () -> Files.readString(log).contains("FAIL"))
                .until(() -> Files.readString(log).contains(text));
    }

    @Test
    void javaArbiterGrantsANodeClientAndTheyExcludeEachOther() throws Exception {
        HeldLock lock = java.acquire("interop-java-first", START);
        marker.enter("java", lock.fencingToken());
        Path nodeLog = node("interop-java-first", "n1");
        await().atMost(START).until(() -> SocketTestSupport.connectionsTo(socket("interop-java-first")) == 1);
        assertThat(Files.readString(nodeLog)).doesNotContain("HELD");
        marker.exit();
        lock.release();
        awaitLine(nodeLog, "HELD n1");
        assertThat(java.tryAcquire("interop-java-first")).as("Node holds through our grant").isEmpty();
        CompletableFuture<HeldLock> next = java.acquireAsync("interop-java-first", START);
        support.signal("release-n1");
        awaitLine(nodeLog, "RELEASED n1");
        try (HeldLock again = next.get(10, TimeUnit.SECONDS)) {
            marker.enter("java-again", again.fencingToken());
            marker.exit();
        }
    }

    @Test
    void nodeArbiterGrantsAJavaClientAndTheyExcludeEachOther() throws Exception {
        Path first = node("interop-node-first", "n1");
        awaitLine(first, "HELD n1");
        CompletableFuture<HeldLock> waiter = java.acquireAsync("interop-node-first", START);
        await().atMost(START).until(() -> SocketTestSupport.connectionsTo(socket("interop-node-first")) == 1);
        assertThat(waiter).isNotDone();
        support.signal("release-n1");
        HeldLock lock = waiter.get(10, TimeUnit.SECONDS);
        marker.enter("java", lock.fencingToken());
        assertThat(socket("interop-node-first")).as("the Node arbiter still serves").exists();

        Path second = node("interop-node-first", "n2");
        await().atMost(START).until(() -> SocketTestSupport.connectionsTo(socket("interop-node-first")) == 2);
        assertThat(Files.readString(second)).as("Node waits while Java holds").doesNotContain("HELD");
        marker.exit();
        lock.release();
        awaitLine(second, "HELD n2");
        support.signal("release-n2");
        awaitLine(second, "RELEASED n2");
    }
}
