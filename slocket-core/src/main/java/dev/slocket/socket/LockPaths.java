package dev.slocket.socket;

import java.nio.file.Path;

/**
 * The files of one lock name in the lock directory.
 *
 * @param socket the lock socket {@code D/<encoded>.sock}; the socket file is the lock
 * @param sidecar the {@code .owner} file whose byte-range locks tell live owners from dead ones
 * @param token the fencing-token counter file
 * @param socketFileName the socket's file name, as directory watch events report it
 */
record LockPaths(Path socket, Path sidecar, Path token, String socketFileName) {
}
