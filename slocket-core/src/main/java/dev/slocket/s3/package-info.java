/**
 * The S3 backend: locks across hosts through S3 conditional writes. Needs the AWS SDK v2
 * {@code software.amazon.awssdk:s3} on the class path.
 */
package dev.slocket.s3;
