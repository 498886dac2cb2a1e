package dev.slocket.sample;

import dev.slocket.HeldLock;
import dev.slocket.LockContext;
import dev.slocket.annotation.Mutexed;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/** Builds reports; only one process on the host builds a given report at a time. */
@Service
public class ReportService {

    private static final Logger log = LoggerFactory.getLogger(ReportService.class);

    private final Duration workTime;

    public ReportService(@Value("${sample.report.work-time}") Duration workTime) {
        this.workTime = workTime;
    }

    /**
     * Builds report {@code id} under the lock {@code report-<id>}.
     *
     * @param id the report id
     * @return the report
     * @throws InterruptedException if interrupted while working
     */
    @Mutexed("report-#{#id}")
    public Report build(String id) throws InterruptedException {
        HeldLock lock = LockContext.current();
        Instant startedAt = Instant.now();
        log.info("Building report {} under lock '{}' with fencing token {}", id, lock.name(), lock.fencingToken());
        Thread.sleep(workTime.toMillis());
        Instant finishedAt = Instant.now();
        log.info("Report {} built at {}", id, finishedAt);
        return new Report(id, lock.fencingToken(), ProcessHandle.current().pid(), startedAt, finishedAt);
    }
}
