package dev.slocket.s3;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Set;

/** Sorts S3 failures into what the lock logic does with them. */
final class S3Errors {

    private static final Set<String> TRANSIENT_CODES = Set.of("ConditionalRequestConflict", "SlowDown", "Throttling",
            "ThrottlingException", "RequestTimeout", "InternalError", "ServiceUnavailable", "RequestLimitExceeded");

    private S3Errors() {
    }

    static int status(SdkException ex) {
        return (ex instanceof AwsServiceException service) ? service.statusCode() : 0;
    }

    private static String code(SdkException ex) {
        if (ex instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = service.awsErrorDetails().errorCode();
            return code != null ? code : "";
        }
        return "";
    }

    /** @return whether a conditional write or read found its precondition false (412) */
    static boolean preconditionFailed(SdkException ex) {
        return status(ex) == 412 || "PreconditionFailed".equals(code(ex));
    }

    /** @return whether the object was not there (404) */
    static boolean notFound(SdkException ex) {
        return status(ex) == 404 && !"NoSuchBucket".equals(code(ex));
    }

    /**
     * @return whether trying again may succeed: broken connections and timeouts, 409 conflicts,
     *         throttling and 5xx answers
     */
    static boolean isTransient(SdkException ex) {
        if (ex instanceof SdkClientException) {
            return true;
        }
        int status = status(ex);
        return status == 409 || status == 429 || status >= 500 || TRANSIENT_CODES.contains(code(ex));
    }

    /** @return whether a write that failed this way may nevertheless have landed */
    static boolean ambiguous(SdkException ex) {
        return ex instanceof SdkClientException || status(ex) >= 500;
    }

    /** @return a short description for messages: status and code, or the client-side cause */
    static String describe(SdkException ex) {
        int status = status(ex);
        if (status > 0) {
            return "HTTP " + status + " " + code(ex);
        }
        Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
