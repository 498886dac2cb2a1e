package dev.slocket.s3;

import java.time.Instant;
import java.util.UUID;

/** Makes the unique bodies every write needs. */
final class Nonces {

    private Nonces() {
    }

    static LockBody body(boolean locked, String owner, long token, long leaseMs) {
        return new LockBody(locked, owner, UUID.randomUUID().toString(), token, leaseMs, Instant.now().toString());
    }
}
