package dev.slocket.sample;

import dev.slocket.LockContext;
import dev.slocket.annotation.Mutexed;
import dev.slocket.annotation.Mutexed.OnTimeout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A scheduled job that every copy of the app runs, but only one at a time on the host: a copy
 * that finds the lock taken skips its turn.
 */
@Component
public class CleanupJob {

    private static final Logger log = LoggerFactory.getLogger(CleanupJob.class);

    @Scheduled(fixedDelayString = "${sample.cleanup.interval}", initialDelayString = "${sample.cleanup.interval}")
    @Mutexed(value = "sample-cleanup", waitFor = "0", onTimeout = OnTimeout.SKIP)
    public void cleanUp() {
        log.info("Cleaning up with fencing token {}", LockContext.current().fencingToken());
    }
}
