package dev.slocket.s3;

import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Wraps a real client and injects faults into chosen requests, which otherwise go to the real
 * server: delays, a connection that breaks after the write landed, a 412 for a landed write (as a
 * client retry would get), 409 conflicts, 503 answers, and a store that ignores conditions.
 */
final class FaultyS3Client implements S3Client {

    /** What happens to a matching request. */
    enum Fault { LAND_THEN_BREAK, LAND_THEN_412, CONFLICT_409, UNAVAILABLE_503, DELAY, HOLD, LAND_LATE, IGNORE_CONDITIONS }

    private record Rule(Predicate<Object> matches, Fault fault, AtomicInteger remaining, Duration delay,
            CountDownLatch gate) {
    }

    private final S3Client real;

    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    private final AtomicInteger injected = new AtomicInteger();

    FaultyS3Client(S3Client real) {
        this.real = real;
    }

    /** @return creates of generation objects (not release markers, not the start-up probe's object) */
    static Predicate<Object> creates() {
        return request -> request instanceof PutObjectRequest put && put.ifNoneMatch() != null
                && !LockKeys.isMarker(put.key()) && !put.key().contains("/.probe/");
    }

    static Predicate<Object> renewals() {
        return request -> request instanceof PutObjectRequest put && put.ifMatch() != null;
    }

    static Predicate<Object> releaseMarkers() {
        return request -> request instanceof PutObjectRequest put && LockKeys.isMarker(put.key());
    }

    static Predicate<Object> lists() {
        return request -> request instanceof ListObjectsV2Request;
    }

    static Predicate<Object> heads() {
        return request -> request instanceof HeadObjectRequest;
    }

    static Predicate<Object> puts() {
        return request -> request instanceof PutObjectRequest;
    }

    /** Applies {@code fault} to the next {@code times} requests that match. */
    FaultyS3Client inject(Predicate<Object> matches, Fault fault, int times) {
        rules.add(new Rule(matches, fault, new AtomicInteger(times), Duration.ZERO, null));
        return this;
    }

    /** Delays the next {@code times} matching requests by {@code delay}. */
    FaultyS3Client delay(Predicate<Object> matches, Duration delay, int times) {
        rules.add(new Rule(matches, Fault.DELAY, new AtomicInteger(times), delay, null));
        return this;
    }

    /** Holds the next matching request until {@code gate} opens (at most a minute), then sends it. */
    FaultyS3Client hold(Predicate<Object> matches, CountDownLatch gate) {
        rules.add(new Rule(matches, Fault.HOLD, new AtomicInteger(1), Duration.ofMinutes(1), gate));
        return this;
    }

    /**
     * Holds the next matching request until {@code gate} opens (at most a minute), deaf to
     * interrupts like a request blocked in a socket read, then sends it and returns its answer.
     */
    FaultyS3Client landLate(Predicate<Object> matches, CountDownLatch gate) {
        rules.add(new Rule(matches, Fault.LAND_LATE, new AtomicInteger(1), Duration.ofMinutes(1), gate));
        return this;
    }

    /** @return how many faults were injected so far */
    int injected() {
        return injected.get();
    }

    private <T> T apply(Object request, Supplier<T> call) {
        for (Rule rule : rules) {
            if (rule.fault() != Fault.IGNORE_CONDITIONS && rule.matches().test(request)
                    && rule.remaining().getAndDecrement() > 0) {
                injected.incrementAndGet();
                return inject(rule, call);
            }
        }
        return call.get();
    }

    private static <T> T inject(Rule rule, Supplier<T> call) {
        switch (rule.fault()) {
            case LAND_THEN_BREAK -> {
                call.get();
                throw SdkClientException.create("Unable to execute HTTP request: Broken pipe",
                        new SocketException("Broken pipe"));
            }
            case LAND_THEN_412 -> {
                call.get();
                throw error(412, "PreconditionFailed");
            }
            case CONFLICT_409 -> throw error(409, "ConditionalRequestConflict");
            case UNAVAILABLE_503 -> throw error(503, "SlowDown");
            case DELAY, HOLD -> {
                try {
                    if (rule.gate() == null) {
                        Thread.sleep(rule.delay().toMillis());
                    }
                    else if (!rule.gate().await(rule.delay().toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException("the gate of a held request never opened");
                    }
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw SdkClientException.create("interrupted", ex);
                }
                return call.get();
            }
            case LAND_LATE -> {
                boolean interrupted = false;
                long end = System.nanoTime() + rule.delay().toNanos();
                while (rule.gate().getCount() > 0 && System.nanoTime() - end < 0) {
                    try {
                        rule.gate().await(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                    }
                    catch (InterruptedException ex) {
                        interrupted = true;
                    }
                }
                try {
                    return call.get();
                }
                finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            default -> throw new IllegalStateException(rule.fault() + " is applied to the request itself");
        }
    }

    private static S3Exception error(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status).message("injected " + status + " " + code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("injected").build()).build();
    }

    private boolean ignoresConditions(Object request) {
        return rules.stream().anyMatch(rule -> rule.fault() == Fault.IGNORE_CONDITIONS && rule.matches().test(request));
    }

    @Override
    public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
        PutObjectRequest sent = ignoresConditions(request)
                ? request.toBuilder().ifNoneMatch(null).ifMatch(null).build() : request;
        return apply(request, () -> real.putObject(sent, body));
    }

    @Override
    public <T> T getObject(GetObjectRequest request, ResponseTransformer<GetObjectResponse, T> transformer) {
        return apply(request, () -> real.getObject(request, transformer));
    }

    @Override
    public HeadObjectResponse headObject(HeadObjectRequest request) {
        return apply(request, () -> real.headObject(request));
    }

    @Override
    public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
        return apply(request, () -> real.listObjectsV2(request));
    }

    @Override
    public DeleteObjectResponse deleteObject(DeleteObjectRequest request) {
        return apply(request, () -> real.deleteObject(request));
    }

    @Override
    public DeleteObjectsResponse deleteObjects(DeleteObjectsRequest request) {
        return apply(request, () -> real.deleteObjects(request));
    }

    @Override
    public HeadBucketResponse headBucket(HeadBucketRequest request) {
        return apply(request, () -> real.headBucket(request));
    }

    @Override
    public String serviceName() {
        return real.serviceName();
    }

    @Override
    public void close() {
        real.close();
    }
}
