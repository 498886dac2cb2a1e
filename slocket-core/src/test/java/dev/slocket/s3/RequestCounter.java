package dev.slocket.s3;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Counts HTTP requests the S3 client sends, client retries included, in all and by operation. */
public final class RequestCounter implements ExecutionInterceptor {

    private final AtomicInteger count = new AtomicInteger();

    private final Map<String, AtomicInteger> byOperation = new ConcurrentHashMap<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        count.incrementAndGet();
        byOperation.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                operation -> new AtomicInteger()).incrementAndGet();
    }

    /** @return requests sent so far */
    public int count() {
        return count.get();
    }

    /** @return requests of one operation (e.g. {@code ListObjectsV2}, {@code HeadObject}) sent so far */
    public int count(String operation) {
        AtomicInteger sent = byOperation.get(operation);
        return sent == null ? 0 : sent.get();
    }

    /** @return requests sent since the last reset, and starts counting again */
    public int reset() {
        byOperation.clear();
        return count.getAndSet(0);
    }

    /** @return requests sent since the last reset by operation, sorted by name, and starts counting again */
    public Map<String, Integer> resetByOperation() {
        Map<String, Integer> sent = new TreeMap<>();
        byOperation.forEach((operation, counter) -> sent.put(operation, counter.get()));
        reset();
        return sent;
    }
}
