package dev.slocket.file;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FL-59: Java and npm {@code proper-lockfile} 4.x exclude each other both ways on the same lock
 * directory. The test installs the package itself with {@code npm} into {@code target/node-interop}
 * (once; later runs reuse it) and drives a Node peer that locks {@code <directory>/<encoded name>}
 * with {@code realpath: false}. Both sides use their defaults (stale 10 s, update 5 s).
 */
class ProperLockfileInteropTest {

    private static final Path NODE_DIR = Path.of("target", "node-interop").toAbsolutePath();

    private static final String NAME = "interop name";

    @TempDir
    Path directory;

    private LockRegistry registry;

    private Process node;

    @BeforeAll
    static void installProperLockfile() throws Exception {
        Path installed = NODE_DIR.resolve("node_modules/proper-lockfile/package.json");
        if (!Files.exists(installed)) {
            Files.createDirectories(NODE_DIR);
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", NODE_DIR.toString(),
                    "proper-lockfile@4").redirectErrorStream(true).start();
            String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(npm.waitFor(180, TimeUnit.SECONDS)).as("npm install finished").isTrue();
            assertThat(npm.exitValue()).as(output).isZero();
        }
        assertThat(Files.readString(installed)).contains("\"version\": \"4.");
        try (InputStream script = ProperLockfileInteropTest.class.getResourceAsStream("/node/proper-lockfile-peer.js")) {
            Files.write(NODE_DIR.resolve("peer.js"), script.readAllBytes());
        }
    }

    @AfterEach
    void cleanUp() {
        if (node != null) {
            node.destroyForcibly();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private LockRegistry registry() {
        registry = Slocket.file(directory);
        return registry;
    }

    private Process startNode(String mode) throws IOException {
        return new ProcessBuilder("node", NODE_DIR.resolve("peer.js").toString(), NODE_DIR.resolve("node_modules").toString(),
                directory.resolve("interop%20name").toString(), mode).redirectErrorStream(true).start();
    }

    private static String readLine(Process process) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            }
            catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }).get(30, TimeUnit.SECONDS);
        return String.valueOf(line);
    }

    private String runNode(String mode) throws Exception {
        Process process = startNode(mode);
        String line = readLine(process);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return line;
    }

    @Test
    void nodeHolderExcludesJavaUntilItReleases() throws Exception {
        node = startNode("hold");
        assertThat(readLine(node)).isEqualTo("LOCKED");
        assertThat(directory.resolve("interop%20name.lock")).isDirectory();
        LockRegistry registry = registry();
        assertThat(registry.tryAcquire(NAME)).isEmpty();
        CompletableFuture<HeldLock> waiting = registry.acquireAsync(NAME, Duration.ofSeconds(30));
        assertThat(waiting).isNotDone();
        try (OutputStream stdin = node.getOutputStream()) {
            stdin.write("release\n".getBytes(StandardCharsets.UTF_8));
        }
        try (HeldLock lock = waiting.get(10, TimeUnit.SECONDS)) {
            assertThat(lock.isHeld()).isTrue();
        }
    }

    @Test
    void javaHolderExcludesNodeUntilItReleases() throws Exception {
        HeldLock lock = registry().acquire(NAME, Duration.ZERO);
        assertThat(runNode("try")).isEqualTo("ERROR ELOCKED");
        assertThat(runNode("check")).isEqualTo("CHECK true");
        lock.release();
        assertThat(runNode("check")).isEqualTo("CHECK false");
        assertThat(runNode("try")).isEqualTo("LOCKED");
        assertThat(directory.resolve("interop%20name.lock")).doesNotExist();
    }
}
