package dev.slocket.benchmarks;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * AWS's published S3 Standard request prices, us-east-1 (see docs/benchmarks.md for the date):
 * PUT, COPY, POST and LIST $0.005 per 1,000; GET, HEAD and all other requests $0.0004 per 1,000;
 * DELETE free. {@code DeleteObjects} is a POST, so it is priced at the POST rate to be safe.
 * Answers with 4xx (a 412 create, a 404 HEAD) are billed like any other request.
 */
final class S3Prices {

    private static final double TIER_1_PER_REQUEST = 0.005 / 1000;

    private static final double TIER_2_PER_REQUEST = 0.0004 / 1000;

    private static final Set<String> TIER_1 = Set.of("PutObject", "CopyObject", "PostObject", "ListObjectsV2",
            "ListObjects", "DeleteObjects", "CreateBucket");

    private static final Set<String> FREE = Set.of("DeleteObject");

    private S3Prices() {
    }

    /** @return the price of one request of {@code operation} in dollars */
    static double price(String operation) {
        if (FREE.contains(operation)) {
            return 0;
        }
        return TIER_1.contains(operation) ? TIER_1_PER_REQUEST : TIER_2_PER_REQUEST;
    }

    /** @return how many requests there are of all types */
    static int total(Map<String, Integer> byOperation) {
        return byOperation.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** @return the price of the requests in dollars, each count multiplied by {@code scale} */
    static double dollars(Map<String, Integer> byOperation, double scale) {
        return byOperation.entrySet().stream().mapToDouble(sent -> price(sent.getKey()) * sent.getValue() * scale)
                .sum();
    }

    /** @return e.g. {@code "ListObjectsV2 40.000, HeadObject 2.000"}: each count multiplied by {@code scale} */
    static String describe(Map<String, Integer> byOperation, double scale) {
        if (byOperation.isEmpty()) {
            return "none";
        }
        return byOperation.entrySet().stream()
                .map(sent -> String.format(Locale.ROOT, "%s %.3f", sent.getKey(), sent.getValue() * scale))
                .collect(Collectors.joining(", "));
    }
}
