package dev.slocket.socket;

import dev.slocket.spi.LossListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock held through a connection that received {@code OK}. Release closes the connection;
 * if the arbiter is gone, the socket file is its tombstone and is removed first (SL-27, SL-28).
 * The sidecar's grantee right is held until then, so nobody reclaims the tombstone meanwhile.
 */
final class GranteeHold extends SocketHold {

    private static final Logger log = LoggerFactory.getLogger(GranteeHold.class);

    private final SocketChannel connection;

    private final LockPaths paths;

    private final FileState lockFile;

    private final Sidecar sidecar;

    /**
     * @param sidecar the sidecar whose grantee right the caller took; this hold keeps a reference
     */
    GranteeHold(SocketChannel connection, LockPaths paths, FileState lockFile, Sidecar sidecar,
            LossListener lossListener) {
        super(lossListener);
        this.connection = connection;
        this.paths = paths;
        this.lockFile = lockFile;
        this.sidecar = sidecar.retain();
    }

    @Override
    LockPaths paths() {
        return paths;
    }

    @Override
    FileState lockFile() {
        return lockFile;
    }

    @Override
    void releaseHeld() {
        if (arbiterAlive()) {
            sidecar.granteeRight().release();
            // no yield here: a process that loops must reconnect at once to take its kept place
            closeConnection();
        }
        else {
            if (lockFile.deleteIfStillAt(paths.socket())) {
                log.debug("Removed tombstone {} of a vanished arbiter", paths.socket());
            }
            sidecar.granteeRight().release();
            closeConnection();
        }
        sidecar.close();
    }

    @Override
    void releaseLost() {
        sidecar.granteeRight().release();
        closeConnection();
        sidecar.close();
    }

    private boolean arbiterAlive() {
        try {
            connection.configureBlocking(false);
            return connection.read(ByteBuffer.allocate(16)) >= 0;
        }
        catch (IOException ex) {
            return false;
        }
    }

    private void closeConnection() {
        try {
            connection.close();
        }
        catch (IOException ex) {
            log.trace("Close failed", ex);
        }
    }
}
