package dev.slocket.socket;

import java.nio.file.Path;

/**
 * Where one lock name lives in the lock directory.
 *
 * @param socket the lock socket {@code D/<encoded>.sock}; the socket file is the lock, and the only
 *        file kept per name (and only while the lock is held or awaited)
 * @param sidecar the directory's shared rights file, whose byte-range locks tell live owners from
 *        dead ones (see {@link Sidecar})
 * @param key the name's key in the directory's shared state: its encoded file name
 * @param socketFileName the socket's file name, as directory watch events report it
 */
record LockPaths(Path socket, Path sidecar, String key, String socketFileName) {
}
