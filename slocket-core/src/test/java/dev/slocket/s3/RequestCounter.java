package dev.slocket.s3;

import java.util.concurrent.atomic.AtomicInteger;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Counts HTTP requests the S3 client sends, client retries included. */
public final class RequestCounter implements ExecutionInterceptor {

    private final AtomicInteger count = new AtomicInteger();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        count.incrementAndGet();
    }

    /** @return requests sent so far */
    public int count() {
        return count.get();
    }

    /** @return requests sent since the last call, and starts counting again */
    public int reset() {
        return count.getAndSet(0);
    }
}
