package dev.slocket;

import java.time.Instant;

/**
 * A held lock that stopped being ours.
 *
 * @param name the lock name
 * @param fencingToken the fencing token of the lost hold
 * @param backend the backend type ({@code socket}, {@code file}, {@code s3}, {@code memory})
 * @param reason why the backend decided the lock is no longer ours
 * @param detectedAt when the loss was detected
 */
public record LockLoss(String name, long fencingToken, String backend, String reason, Instant detectedAt) {
}
