package dev.slocket.benchmarks;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import jdk.net.ExtendedSocketOptions;

/**
 * What the same-user rule costs per connection: one {@code SO_PEERCRED} through the JDK (which
 * turns the peer's uid and gid into names on every call) beside one {@code lstat} of the socket.
 * Prints three rounds of the mean of 50,000 calls each.
 *
 * <pre>
 * java -cp slocket-benchmarks/target/classes dev.slocket.benchmarks.PeerCredentialsCost
 * </pre>
 */
public final class PeerCredentialsCost {

    private static final int CALLS = 50_000;

    private PeerCredentialsCost() {
    }

    public static void main(String[] args) throws IOException {
        Path directory = Files.createTempDirectory("peer");
        Path socket = directory.resolve("peer.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                    SocketChannel accepted = server.accept()) {
                for (int round = 0; round < 3; round++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < CALLS; i++) {
                        client.getOption(ExtendedSocketOptions.SO_PEERCRED);
                    }
                    long credentials = System.nanoTime() - start;
                    start = System.nanoTime();
                    for (int i = 0; i < CALLS; i++) {
                        Files.readAttributes(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                    }
                    long lstat = System.nanoTime() - start;
                    System.out.printf("SO_PEERCRED %.2f µs, lstat %.2f µs (mean of %,d calls each)%n",
                            credentials / 1e3 / CALLS, lstat / 1e3 / CALLS, CALLS);
                }
            }
        }
        finally {
            Files.deleteIfExists(socket);
            Files.delete(directory);
        }
    }
}
