package dev.slocket.s3;

import dev.slocket.LockBackendException;

import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Checks once at start-up that the bucket decides creates atomically: a second
 * {@code If-None-Match: *} create of the same key must be refused with 412. A store that
 * accepts it would give no mutual exclusion, so the backend refuses to start.
 */
final class CapabilityProbe {

    private static final int TRIES = 5;

    private final S3Calls calls;

    private final Duration timeout;

    CapabilityProbe(S3Calls calls, Duration timeout) {
        this.calls = calls;
        this.timeout = timeout;
    }

    /**
     * @param key a scratch key nobody else uses
     * @param owner the owner id for the probe bodies
     * @throws LockBackendException if the bucket is unreachable or ignores {@code If-None-Match}
     */
    void run(String key, String owner) {
        LockBody first = Nonces.body(false, owner, 0, 0);
        retrying("create the probe object " + key, () -> createOrConfirm(key, first));
        LockBody second = Nonces.body(false, owner, 0, 0);
        boolean refused = retrying("repeat the create of " + key, () -> {
            try {
                calls.create(key, second, timeout);
                return false;
            }
            catch (SdkException ex) {
                if (S3Errors.preconditionFailed(ex)) {
                    return true;
                }
                if (S3Errors.ambiguous(ex)) {
                    return calls.read(key, timeout).map(stored -> !stored.body().nonce().equals(second.nonce()))
                            .orElseThrow(() -> ex);
                }
                throw ex;
            }
        });
        retrying("delete the probe object " + key, () -> {
            calls.deleteObsolete(List.of(key), timeout);
            return true;
        });
        if (!refused) {
            throw new LockBackendException("Bucket '" + calls.bucket() + "' accepted a second 'If-None-Match: *' "
                    + "create of " + key + ": this store does not support conditional writes, so S3 locks on it "
                    + "would give no mutual exclusion. Use a store that answers 412 to such a create.");
        }
    }

    private boolean createOrConfirm(String key, LockBody body) {
        try {
            calls.create(key, body, timeout);
            return true;
        }
        catch (SdkException ex) {
            if (S3Errors.preconditionFailed(ex) || S3Errors.ambiguous(ex)) {
                boolean ours = calls.read(key, timeout).map(s -> s.body().nonce().equals(body.nonce())).orElse(false);
                if (ours) {
                    return true;
                }
            }
            throw ex;
        }
    }

    private <T> T retrying(String what, Supplier<T> call) {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1));
        for (int attempt = 1;; attempt++) {
            try {
                return call.get();
            }
            catch (SdkException ex) {
                if (!S3Errors.isTransient(ex) || attempt >= TRIES) {
                    throw new LockBackendException("S3 capability probe on bucket '" + calls.bucket()
                            + "' could not " + what + ": " + S3Errors.describe(ex), ex);
                }
                try {
                    Thread.sleep(backoff.next());
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new LockBackendException("S3 capability probe interrupted", interrupted);
                }
            }
        }
    }
}
