package dev.slocket.test.sample;

import dev.slocket.annotation.Mutexed;

import org.springframework.stereotype.Service;

/** Locks in the ways the tests exercise: skip, throw, and a long call. */
@Service
public class ReportService {

    /** @return the report, or {@code null} when another instance builds it right now */
    @Mutexed(value = "report-#{#id}", waitFor = "0", onTimeout = Mutexed.OnTimeout.SKIP)
    public String build(String id) {
        return "report " + id;
    }

    /** @return what was imported; throws {@code LockTimeoutException} when the import is busy */
    @Mutexed(value = "import", waitFor = "50ms")
    public String importAll() {
        return "imported";
    }

    /** Runs {@code work} under lock {@code long-job}. */
    @Mutexed("long-job")
    public void work(Runnable work) {
        work.run();
    }
}
