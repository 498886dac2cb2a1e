package dev.slocket.s3;

import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes superseded generations, but only {@link #KEEP} after this instance first saw a newer
 * generation exist. That delay is what lets an acquisition skip the check after its create: a
 * create that lands within {@link #CREATE_WINDOW} of its creator learning the newest generation
 * cannot re-create a generation that others already made and deleted (see {@link Acquisition}).
 * Both are constants of the protocol, the same for every instance whatever its lease.
 * Keys of one folder that fall due within a second of each other go out in one request, and a
 * folder gets at most one such request per half {@code KEEP}, so a lock in constant use costs one
 * delete per half {@code KEEP} rather than one per acquisition.
 */
final class DeferredDeletes {

    /** How long a superseded generation is kept after a newer one was seen. */
    static final Duration KEEP = Duration.ofSeconds(5);

    /**
     * How long after learning the newest generation a create may land without a check: a fifth
     * less than {@link #KEEP}, for monotonic clocks of different hosts that run at different rates.
     */
    static final Duration CREATE_WINDOW = Duration.ofSeconds(4);

    /** How long a run waits past the first key's due time, so keys that fall due just after go along. */
    private static final Duration GATHER = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(DeferredDeletes.class);

    private record Pending(String key, long dueNanos) {
    }

    private final S3Calls calls;

    private final Duration requestTimeout;

    private final ScheduledExecutorService timer;

    private final ExecutorService io;

    /** Per folder, keys waiting to be deleted; a folder is here exactly while a deletion run is scheduled. */
    private final Map<String, List<Pending>> pending = new HashMap<>();

    DeferredDeletes(S3Calls calls, Duration requestTimeout, ScheduledExecutorService timer, ExecutorService io) {
        this.calls = calls;
        this.requestTimeout = requestTimeout;
        this.timer = timer;
        this.io = io;
    }

    /**
     * @param folder the lock's folder
     * @param keys keys of generations older than one that existed at {@code newerSeenNanos}
     * @param newerSeenNanos when this instance learned that the newer generation exists
     */
    void schedule(String folder, List<String> keys, long newerSeenNanos) {
        if (keys.isEmpty()) {
            return;
        }
        long due = newerSeenNanos + KEEP.toNanos();
        boolean first;
        synchronized (this) {
            List<Pending> waiting = pending.get(folder);
            first = waiting == null;
            if (first) {
                waiting = new ArrayList<>();
                pending.put(folder, waiting);
            }
            for (String key : keys) {
                waiting.add(new Pending(key, due));
            }
        }
        if (first) {
            runAt(folder, due + GATHER.toNanos());
        }
    }

    private void runAt(String folder, long atNanos) {
        try {
            timer.schedule(() -> io.execute(() -> deleteDue(folder)), Math.max(0, atNanos - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        }
        catch (RejectedExecutionException ex) {
            log.debug("Backend closed; old keys of {} are deleted by a later acquisition that lists them", folder);
        }
    }

    private void deleteDue(String folder) {
        long now = System.nanoTime();
        Set<String> due = new LinkedHashSet<>();
        synchronized (this) {
            List<Pending> waiting = pending.get(folder);
            for (Iterator<Pending> entries = waiting.iterator(); entries.hasNext();) {
                Pending entry = entries.next();
                if (entry.dueNanos() <= now) {
                    due.add(entry.key());
                    entries.remove();
                }
            }
            if (!waiting.isEmpty()) {
                long next = waiting.stream().mapToLong(Pending::dueNanos).min().getAsLong();
                long at = next + GATHER.toNanos();
                runAt(folder, due.isEmpty() ? at : Math.max(at, now + KEEP.toNanos() / 2));
            }
            else {
                pending.remove(folder);
            }
        }
        if (due.isEmpty()) {
            return;
        }
        try {
            calls.deleteObsolete(List.copyOf(due), requestTimeout);
        }
        catch (SdkException ex) {
            log.debug("Could not delete {} old keys of {}: {}; a later acquisition that lists them retries",
                    due.size(), folder, S3Errors.describe(ex));
        }
    }
}
