package dev.slocket.s3;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

import static org.awaitility.Awaitility.await;

/**
 * A real S3-compatible server for tests: S3Proxy, which the build copies to
 * {@code target/s3proxy.jar}, run with {@code java -jar} on a free port of 127.0.0.1 with a
 * file-system store, so its data survive {@link #stop()} and {@link #start()}.
 * {@link #shared()} is one server per test JVM, stopped when the JVM exits.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String BUCKET = "slocket-test";

    private static S3ProxyServer shared;

    private final Path directory;

    private final int port;

    private Process process;

    private S3ProxyServer(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    /** @return the server shared by the tests of this JVM, started on first use, with {@link #BUCKET} */
    public static synchronized S3ProxyServer shared() throws IOException {
        if (shared == null) {
            S3ProxyServer server = create();
            server.start();
            server.createBucket(BUCKET);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "s3proxy-stop"));
            shared = server;
        }
        return shared;
    }

    /** @return a new server of its own (not started), for tests that stop and restart it */
    public static S3ProxyServer create() throws IOException {
        Path directory = Files.createTempDirectory("s3proxy-");
        Files.createDirectories(directory.resolve("data"));
        return new S3ProxyServer(directory, freePort());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: the build copies it there in the "
                    + "process-test-resources phase (maven-dependency-plugin)");
        }
        return jar;
    }

    /** Starts the server and waits until it accepts connections. */
    public synchronized void start() throws IOException {
        Path properties = directory.resolve("s3proxy.properties");
        Files.write(properties, List.of("s3proxy.endpoint=" + endpoint(), "s3proxy.authorization=none",
                "jclouds.provider=filesystem-nio2", "jclouds.filesystem.basedir=" + directory.resolve("data"),
                "jclouds.identity=local-identity", "jclouds.credential=local-credential"));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-jar", jar().toAbsolutePath().toString(), "--properties",
                properties.toString());
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("s3proxy.log").toFile()))
                .start();
        Process started = process;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .failFast("S3Proxy exited, see " + directory.resolve("s3proxy.log"), () -> !started.isAlive())
                .until(this::accepts);
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

    /** Stops the server (SIGKILL: it drops connections like a crashed server). */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            try {
                resume();
            }
            catch (IOException ex) {
                // not frozen, or already gone
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Freezes the server (SIGSTOP): connections are accepted by the kernel but never answered. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a frozen server run on (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** @return the server's address */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * @param interceptors e.g. request counters
     * @return a client with the SDK's default settings except endpoint, region, credentials and
     *         path-style access
     */
    public S3Client client(ExecutionInterceptor... interceptors) {
        return S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("local-identity", "local-credential")))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .executionInterceptors(List.of(interceptors)).build())
                .build();
    }

    /** Creates {@code bucket} if it does not exist yet. */
    public void createBucket(String bucket) {
        try (S3Client client = client()) {
            client.createBucket(request -> request.bucket(bucket));
        }
        catch (BucketAlreadyOwnedByYouException ex) {
            // created by an earlier start
        }
    }

    /** Stops the server and deletes its data. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (IOException ex) {
            // a temporary directory left behind is harmless
        }
    }
}
