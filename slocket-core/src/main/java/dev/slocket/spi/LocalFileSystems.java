package dev.slocket.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Which file systems share one page cache among all processes of the machine, so a file mapped into memory is coherent. */
final class LocalFileSystems {

    /** File systems whose data all processes of the machine see coherently through one page cache. */
    private static final Set<String> LOCAL_TYPES = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "f2fs",
            "zfs", "apfs");

    private LocalFileSystems() {
    }

    /** @return whether {@code directory} lies on a local file system (a network one may serve stale mapped data) */
    static boolean isLocal(Path directory) throws IOException {
        return LOCAL_TYPES.contains(Files.getFileStore(directory).type());
    }
}
