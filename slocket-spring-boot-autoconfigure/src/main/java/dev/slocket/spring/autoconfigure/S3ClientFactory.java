package dev.slocket.spring.autoconfigure;

import dev.slocket.LockBackendException;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the {@link S3Client} of the S3 backend from {@code slocket.s3.endpoint}, {@code region},
 * {@code path-style-access} and the static keys, or else the SDK's default credential chain. Used
 * only when the application defines no {@code S3Client} bean. A missing region or missing
 * credentials fail here, at start-up, with a message naming the properties to set.
 */
final class S3ClientFactory {

    private S3ClientFactory() {
    }

    static S3Client create(SlocketS3Properties s3) {
        return create("slocket.s3", s3);
    }

    /**
     * @param prefix the properties group, e.g. {@code slocket.s3}
     * @param s3 the bound group
     * @return the client
     * @throws InvalidConfigurationPropertyValueException if only one of the keys is set, or no region is found
     * @throws LockBackendException if no keys are set and the default credential chain finds none
     */
    static S3Client create(String prefix, SlocketS3Properties s3) {
        S3ClientBuilder builder = S3Client.builder().forcePathStyle(s3.isPathStyleAccess());
        if (s3.getEndpoint() != null) {
            builder.endpointOverride(s3.getEndpoint());
        }
        if (hasText(s3.getRegion())) {
            builder.region(Region.of(s3.getRegion()));
        }
        else if (s3.getEndpoint() != null) {
            builder.region(Region.US_EAST_1); // S3-compatible stores accept it whatever their own setting
        }
        if (hasText(s3.getAccessKeyId()) || hasText(s3.getSecretAccessKey())) {
            builder.credentialsProvider(StaticCredentialsProvider.create(staticKeys(prefix, s3)));
        }
        else {
            checkDefaultCredentials(prefix);
        }
        try {
            return builder.build();
        }
        catch (SdkClientException ex) {
            throw new InvalidConfigurationPropertyValueException(prefix + ".region", null,
                    "No region for the S3 lock backend: set " + prefix + ".region to the bucket's region (e.g. "
                            + "eu-west-1), or AWS_REGION (" + ex.getMessage() + ")");
        }
    }

    private static AwsBasicCredentials staticKeys(String prefix, SlocketS3Properties s3) {
        if (!hasText(s3.getAccessKeyId())) {
            throw new InvalidConfigurationPropertyValueException(prefix + ".access-key-id", null,
                    "Set it together with " + prefix + ".secret-access-key");
        }
        if (!hasText(s3.getSecretAccessKey())) {
            throw new InvalidConfigurationPropertyValueException(prefix + ".secret-access-key", null,
                    "Set it together with " + prefix + ".access-key-id");
        }
        return AwsBasicCredentials.create(s3.getAccessKeyId(), s3.getSecretAccessKey());
    }

    /** Fails start-up rather than the first request when the default chain finds no credentials. */
    private static void checkDefaultCredentials(String prefix) {
        try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
            chain.resolveCredentials();
        }
        catch (SdkClientException ex) {
            throw new LockBackendException("No credentials for the S3 lock backend: set " + prefix
                    + ".access-key-id and " + prefix + ".secret-access-key (a store without authorization accepts "
                    + "any pair), or give the AWS SDK's default credential chain some (AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY, the aws.accessKeyId and aws.secretAccessKey system properties, "
                    + "~/.aws/credentials, a container or instance role). " + ex.getMessage(), ex);
        }
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
