package dev.slocket.socket;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Which socket is at a lock path: a socket bound after another one was removed is never taken for it. */
class FileStateTest {

    @TempDir
    Path directory;

    /**
     * On ext4 and similar file systems the inode number of a removed socket is given to the next
     * file created, often at once (on tmpfs it is not); the identity must still tell the two
     * sockets apart.
     */
    @Test
    void aSocketBoundInPlaceOfARemovedOneIsAnotherFileEvenWithTheSameInode() throws Exception {
        Path path = directory.resolve("job.sock");
        for (int round = 0; round < 20; round++) {
            FileState first;
            try (ServerSocketChannel socket = bind(path)) {
                first = FileState.of(path);
                assertThat(first.isSocket()).isTrue();
                assertThat(first.isStillAt(path)).isTrue();
            }
            Files.delete(path);
            try (ServerSocketChannel socket = bind(path)) {
                assertThat(first.isStillAt(path)).as("round %d", round).isFalse();
                assertThat(first.deleteIfStillAt(path)).isFalse();
                assertThat(path).exists();
            }
            Files.delete(path);
        }
    }

    private static ServerSocketChannel bind(Path path) throws Exception {
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(path));
        return channel;
    }
}
