package dev.slocket.sample;

import dev.slocket.LockContext;
import dev.slocket.annotation.Mutexed;
import dev.slocket.annotation.Mutexed.OnTimeout;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A scheduled job that every copy of the app runs, but only one at a time on the host: a copy
 * whose turn comes while another copy is cleaning up skips its turn.
 */
@Component
public class CleanupJob {

    private static final Logger log = LoggerFactory.getLogger(CleanupJob.class);

    private final Duration workTime;

    public CleanupJob(@Value("${sample.cleanup.work-time}") Duration workTime) {
        this.workTime = workTime;
    }

    /**
     * Cleans up under the fixed lock {@code sample-cleanup}, or skips if another copy holds it.
     *
     * @throws InterruptedException if interrupted while working
     */
    @Scheduled(fixedDelayString = "${sample.cleanup.interval}", initialDelayString = "${sample.cleanup.interval}")
    @Mutexed(value = "sample-cleanup", waitFor = "0", onTimeout = OnTimeout.SKIP)
    public void cleanUp() throws InterruptedException {
        log.info("Cleaning up with fencing token {}", LockContext.current().fencingToken());
        Thread.sleep(workTime.toMillis());
    }
}
