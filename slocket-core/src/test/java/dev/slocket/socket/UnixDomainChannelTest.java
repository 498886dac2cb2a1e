package dev.slocket.socket;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link Contender} and {@link FileState} rely on from the JDK's Unix-domain channels and
 * file attributes, pinned on every JDK the build runs on: a taken path fails {@code bind} with
 * {@link BindException}; a path without a listener fails {@code connect} with
 * {@link ConnectException} (the socket is stale: reclaim it); other connect failures are plain
 * {@link IOException}s (retry); a non-blocking connect to a listener completes at once.
 * {@code SO_PEERCRED} is pinned by {@link SocketProtocolTest#peersOfAnotherUserAreNotTrusted}.
 */
class UnixDomainChannelTest {

    @TempDir
    Path directory;

    private static SocketChannel nonBlocking() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.configureBlocking(false);
        return channel;
    }

    private static UnixDomainSocketAddress at(Path path) {
        return UnixDomainSocketAddress.of(path);
    }

    @Test
    void bindToATakenPathIsABindException() throws Exception {
        Path socket = directory.resolve("a.sock");
        Path file = Files.createFile(directory.resolve("b.sock"));
        try (ServerSocketChannel first = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                ServerSocketChannel second = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            first.bind(at(socket));
            assertThatThrownBy(() -> second.bind(at(socket))).isInstanceOf(BindException.class);
            assertThatThrownBy(() -> second.bind(at(file))).isInstanceOf(BindException.class);
        }
    }

    @Test
    void nonBlockingConnectToAListenerCompletesAtOnce() throws Exception {
        Path socket = directory.resolve("a.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                SocketChannel client = nonBlocking()) {
            server.bind(at(socket));
            assertThat(client.connect(at(socket))).isTrue();
            assertThat(FileState.of(socket).isSocket()).isTrue();
            assertThat(FileState.of(socket).isStillAt(socket)).isTrue();
        }
    }

    @Test
    void connectWithoutAListenerIsAConnectException() throws Exception {
        Path socket = directory.resolve("stale.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(at(socket));
        }
        assertThat(socket).as("closing a bound channel leaves its file").exists();
        assertThat(FileState.of(socket).isSocket()).isTrue();
        Path file = Files.createFile(directory.resolve("file.sock"));
        assertThat(FileState.of(file).kind()).isEqualTo(FileState.Kind.OTHER);
        for (Path target : new Path[] { socket, file }) {
            try (SocketChannel client = nonBlocking()) {
                assertThatThrownBy(() -> client.connect(at(target))).as(target.toString())
                        .isInstanceOf(ConnectException.class);
            }
        }
    }

    @Test
    void connectToAMissingPathIsAnotherIoException() throws Exception {
        Path missing = directory.resolve("none.sock");
        try (SocketChannel client = nonBlocking()) {
            assertThatThrownBy(() -> client.connect(at(missing))).isInstanceOf(IOException.class)
                    .isNotInstanceOf(ConnectException.class);
        }
        assertThat(FileState.of(missing)).isEqualTo(FileState.MISSING);
        Path throughFile = Files.createFile(directory.resolve("file")).resolve("a.sock");
        assertThat(FileState.of(throughFile)).isEqualTo(FileState.MISSING);
    }
}
