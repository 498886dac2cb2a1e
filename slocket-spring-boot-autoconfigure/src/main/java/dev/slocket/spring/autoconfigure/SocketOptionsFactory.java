package dev.slocket.spring.autoconfigure;

import dev.slocket.socket.SocketLockOptions;

/**
 * Maps {@code slocket.socket.*} to {@link SocketLockOptions}, naming the property whose value
 * the options reject.
 */
final class SocketOptionsFactory {

    private SocketOptionsFactory() {
    }

    static SocketLockOptions create(SlocketProperties.Socket socket) {
        return create("slocket.socket", socket);
    }

    static SocketLockOptions create(String prefix, SlocketProperties.Socket socket) {
        return OptionValues.build(prefix, socket, () -> SocketLockOptions.builder(socket.getDirectory())
                .staleSocketPolicy(socket.getStaleSocketPolicy())
                .watchPollInterval(socket.getWatchPollInterval())
                .reconnectBackoff(socket.getReconnectBackoffMin(), socket.getReconnectBackoffMax())
                .backlog(socket.getBacklog())
                .directoryPermissions(socket.getDirectoryPermissions())
                .socketPermissions(socket.getSocketPermissions())
                .requirePeerSameUser(socket.isRequirePeerSameUser())
                .handoverMode(socket.getHandoverMode())
                .sharedGroup(socket.getSharedGroup())
                .spinWait(socket.getSpinWait())
                .build());
    }
}
