package dev.slocket.s3;

import dev.slocket.LockBackendException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.BackendStatus;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LossListener;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Locks shared by any number of hosts through S3 conditional writes. Every transition two
 * parties can race for is an atomic create ({@code If-None-Match: *}) of the next generation
 * object of a lock; {@code If-Match} is used only by a holder renewing its own generation. The
 * generation number is the fencing token. Superseded generations are deleted a few seconds after
 * a newer one was seen ({@link DeferredDeletes}). See {@link Acquisition} and {@link S3HeldLock}.
 *
 * <p>The {@link S3Client} belongs to the caller and is not closed by {@link #close()}.
 */
public final class S3LockBackend implements LockBackend {

    /** How long {@link #status()} reuses its last bucket check. */
    static final Duration STATUS_CACHE = Duration.ofSeconds(10);

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final S3LockOptions options;

    private final LockKeys keys;

    private final HoldContext context;

    private final AsyncAcquisitions asyncAcquisitions;

    private volatile CachedStatus lastStatus;

    /**
     * Creates the backend and, unless disabled, runs the capability probe.
     *
     * @param client the S3 client to use
     * @param options the backend's options
     * @throws LockBackendException if the bucket is unreachable or does not support conditional creates
     */
    public S3LockBackend(S3Client client, S3LockOptions options) {
        this.options = options;
        this.keys = new LockKeys(options.keyPrefix());
        S3Calls calls = new S3Calls(client, options.bucket());
        String owner = UUID.randomUUID().toString();
        if (options.probe()) {
            new CapabilityProbe(calls, options.requestTimeout()).run(keys.probeKey(owner), owner);
        }
        int id = INSTANCES.incrementAndGet();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("slocket-s3-" + id
                + "-timer"));
        ExecutorService io = Executors.newCachedThreadPool(daemon("slocket-s3-" + id + "-renew"));
        DeferredDeletes deletes = new DeferredDeletes(calls, options.requestTimeout(), timer, io);
        this.context = new HoldContext(calls, options, owner, timer, io, new RecentReleases(), deletes);
        this.asyncAcquisitions = new AsyncAcquisitions(daemon("slocket-s3-" + id + "-attempts"));
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String type() {
        return "s3";
    }

    @Override
    public BackendLock acquire(String name, Deadline deadline, LossListener lossListener) throws InterruptedException {
        return new Acquisition(context, name, keys.folder(name), deadline, lossListener).run();
    }

    /**
     * Waits without a thread: the attempts of the blocking {@link #acquire} run on a pool of {@value
     * AsyncAcquisitions#THREADS} threads shared by every waiting acquisition of this backend, and
     * the wait between them is a timer ({@link ScheduledAcquisition}).
     */
    @Override
    public CompletableFuture<BackendLock> acquireAsync(String name, Deadline deadline, LossListener lossListener) {
        return asyncAcquisitions.start(new Acquisition(context, name, keys.folder(name), deadline, lossListener),
                deadline);
    }

    @Override
    public boolean isLocked(String name) {
        try {
            return !context.calls().list(keys.folder(name), options.requestTimeout()).free();
        }
        catch (SdkException ex) {
            throw new LockBackendException("Cannot list S3 lock '" + name + "' in bucket " + options.bucket() + ": "
                    + S3Errors.describe(ex), ex);
        }
    }

    /**
     * Conditional writes were verified by the capability probe when this backend started (unless
     * the probe is disabled); this checks that the bucket is reachable, at most once per
     * {@link #STATUS_CACHE} (a HEAD request, never a write).
     */
    @Override
    public BackendStatus status() {
        CachedStatus cached = lastStatus;
        Instant now = Instant.now();
        if (cached != null && cached.checkedAt().plus(STATUS_CACHE).isAfter(now)) {
            return cached.status();
        }
        BackendStatus status = checkBucket(now);
        lastStatus = new CachedStatus(status, now);
        return status;
    }

    private BackendStatus checkBucket(Instant now) {
        String conditionalWrites = options.probe() ? "verified at start-up" : "not verified (probe disabled)";
        Map<String, Object> details = Map.of("backend", type(), "bucket", options.bucket(), "keyPrefix",
                options.keyPrefix(), "lease", options.lease().toString(), "conditionalWrites", conditionalWrites,
                "checkedAt", now.toString());
        try {
            context.calls().headBucket(options.requestTimeout());
            return BackendStatus.up(details);
        }
        catch (SdkException ex) {
            return BackendStatus.down("bucket " + options.bucket() + " not reachable: " + S3Errors.describe(ex)
                    + "; check the endpoint, credentials and bucket name", details);
        }
    }

    private record CachedStatus(BackendStatus status, Instant checkedAt) {
    }

    /**
     * Withdraws pending asynchronous acquisitions (waiting up to one request timeout for attempts
     * under way, which give back a lock they obtain), then stops the timers and renewals.
     */
    @Override
    public void close() {
        asyncAcquisitions.close(options.requestTimeout());
        context.timer().shutdownNow();
        context.io().shutdownNow();
    }
}
