package dev.slocket.sample;

import java.time.Instant;

/**
 * A built report and when its work ran.
 *
 * @param id the report id
 * @param fencingToken the token of the lock held while building
 * @param pid the process that built it
 * @param startedAt when the work started (lock held)
 * @param finishedAt when the work finished (lock still held)
 */
public record Report(String id, long fencingToken, long pid, Instant startedAt, Instant finishedAt) {
}
