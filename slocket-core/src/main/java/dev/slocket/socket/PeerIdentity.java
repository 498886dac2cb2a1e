package dev.slocket.socket;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same-user rule of the socket protocol: with {@code requirePeerSameUser}, an arbiter grants
 * only to peers of this process's uid and a client accepts a grant only from such an arbiter
 * ({@code SO_PEERCRED}). Where the platform cannot tell a peer's uid, every peer is accepted.
 */
final class PeerIdentity {

    private static final Logger log = LoggerFactory.getLogger(PeerIdentity.class);

    private final UserPrincipal self;

    PeerIdentity(UserPrincipal self) {
        this.self = self;
    }

    /**
     * @param required whether peers must run as this process's user
     * @return the check
     */
    static PeerIdentity of(boolean required) {
        if (!required) {
            return new PeerIdentity(null);
        }
        Path proc = Path.of("/proc/self");
        try {
            return new PeerIdentity(Files.getOwner(proc));
        }
        catch (IOException | UnsupportedOperationException ex) {
            log.warn("Cannot determine this process's user ({}); peer credentials are not checked", ex.toString());
            return new PeerIdentity(null);
        }
    }

    /**
     * @param channel a connected Unix-domain channel
     * @return whether the process at the other end may take part in this lock
     */
    boolean accepts(SocketChannel channel) {
        if (self == null) {
            return true;
        }
        try {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return self.equals(peer.user());
        }
        catch (UnsupportedOperationException ex) {
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }
}
