package dev.slocket.spring.autoconfigure;

import dev.slocket.s3.S3LockOptions;

/**
 * Maps {@code slocket.s3.*} to {@link S3LockOptions}, naming the property whose value the
 * options reject ({@code slocket.s3.bucket} when it is missing).
 */
final class S3OptionsFactory {

    private S3OptionsFactory() {
    }

    static S3LockOptions create(SlocketS3Properties s3) {
        return create("slocket.s3", s3);
    }

    static S3LockOptions create(String prefix, SlocketS3Properties s3) {
        return OptionValues.build(prefix, s3, () -> S3LockOptions.builder(s3.getBucket())
                .keyPrefix(s3.getKeyPrefix())
                .lease(s3.getLease())
                .safetyMargin(s3.getSafetyMargin())
                .poll(s3.getPollMin(), s3.getPollMax())
                .requestTimeout(s3.getRequestTimeout())
                .failureTimeout(s3.getFailureTimeout())
                .probe(s3.isProbe())
                .build());
    }
}
