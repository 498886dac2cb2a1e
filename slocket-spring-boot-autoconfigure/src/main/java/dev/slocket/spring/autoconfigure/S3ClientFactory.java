package dev.slocket.spring.autoconfigure;

import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the {@link S3Client} of the S3 backend from {@code slocket.s3.endpoint},
 * {@code region} and {@code path-style-access}, with the SDK's default credential chain. Used
 * only when the application defines no {@code S3Client} bean.
 */
final class S3ClientFactory {

    private S3ClientFactory() {
    }

    static S3Client create(SlocketS3Properties s3) {
        S3ClientBuilder builder = S3Client.builder().forcePathStyle(s3.isPathStyleAccess());
        if (s3.getEndpoint() != null) {
            builder.endpointOverride(s3.getEndpoint());
        }
        if (s3.getRegion() != null && !s3.getRegion().isBlank()) {
            builder.region(Region.of(s3.getRegion()));
        }
        return builder.build();
    }
}
