package dev.slocket.spring.autoconfigure;

import dev.slocket.LockBackendException;
import dev.slocket.s3.S3LockBackend;
import dev.slocket.s3.S3LockOptions;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Starts the S3 backend of a properties group; a bucket that does not exist fails start-up with
 * a message naming {@code <prefix>.bucket} rather than the SDK's error code.
 */
final class S3BackendFactory {

    private S3BackendFactory() {
    }

    /**
     * @param prefix the properties group, e.g. {@code slocket.s3}
     * @param client the S3 client
     * @param s3 the bound group
     * @return the started backend
     * @throws LockBackendException if the bucket is missing, unreachable or lacks conditional writes
     */
    static S3LockBackend create(String prefix, S3Client client, SlocketS3Properties s3) {
        S3LockOptions options = S3OptionsFactory.create(prefix, s3);
        try {
            return new S3LockBackend(client, options);
        }
        catch (LockBackendException ex) {
            if (noSuchBucket(ex)) {
                throw new LockBackendException("Bucket '" + options.bucket() + "' (" + prefix + ".bucket) does not "
                        + "exist: create it (the S3 backend does not), or set " + prefix + ".bucket to an existing "
                        + "bucket", ex);
            }
            throw ex;
        }
    }

    private static boolean noSuchBucket(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null
                    && "NoSuchBucket".equals(service.awsErrorDetails().errorCode())) {
                return true;
            }
        }
        return false;
    }
}
