package dev.slocket.spring.autoconfigure;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code slocket.s3.*} group: options of the S3 backend ({@code slocket.backend=s3}). The
 * client settings ({@code endpoint}, {@code region}, {@code path-style-access} and the keys) are
 * used only when the application defines no {@code S3Client} bean.
 */
@ConfigurationProperties("slocket.s3")
public class SlocketS3Properties {

    /**
     * The bucket that holds the lock objects. Required when slocket.backend=s3. It must support
     * conditional writes (If-None-Match: *); this is checked at start-up.
     */
    private String bucket;

    /**
     * The key prefix of the lock objects.
     */
    private String keyPrefix = "slocket/";

    /**
     * How long a holder's lease lasts without renewal; the holder renews every lease/3. A
     * contender takes over a lock whose object stayed unchanged for lease + safety-margin.
     */
    private Duration lease = Duration.ofSeconds(30);

    /**
     * Extra time a contender waits beyond the lease before taking over, for clock-rate
     * differences and slow requests.
     */
    private Duration safetyMargin = Duration.ofSeconds(2);

    /**
     * The first pause between polls while waiting; pauses grow with jitter up to poll-max.
     */
    private Duration pollMin = Duration.ofMillis(50);

    /**
     * The longest pause between polls while waiting.
     */
    private Duration pollMax = Duration.ofSeconds(2);

    /**
     * How long one S3 request may take before it counts as failed (its outcome is then read back).
     */
    private Duration requestTimeout = Duration.ofSeconds(10);

    /**
     * How long S3 may keep failing before an acquisition gives up with LockBackendException.
     */
    private Duration failureTimeout = Duration.ofSeconds(30);

    /**
     * Whether to check at start-up that the bucket rejects a second conditional create; a store
     * that does not would silently lose mutual exclusion.
     */
    private boolean probe = true;

    /**
     * The endpoint of an S3-compatible store, e.g. http://127.0.0.1:9000. Unset uses AWS.
     */
    private URI endpoint;

    /**
     * The region of the bucket. Unset uses the AWS SDK's default region chain, or us-east-1 (which
     * S3-compatible stores accept) when an endpoint is set.
     */
    private String region;

    /**
     * Whether to address the bucket in the path (http://host/bucket/key) rather than the host
     * name; most S3-compatible stores need it.
     */
    private boolean pathStyleAccess;

    /**
     * The access key of static credentials, with secret-access-key; a store without
     * authorization accepts any pair. Unset uses the AWS SDK's default credential chain.
     */
    private String accessKeyId;

    /**
     * The secret key of static credentials, with access-key-id.
     */
    private String secretAccessKey;

    public String getBucket() {
        return bucket;
    }

    public void setBucket(String bucket) {
        this.bucket = bucket;
    }

    public String getKeyPrefix() {
        return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    public Duration getLease() {
        return lease;
    }

    public void setLease(Duration lease) {
        this.lease = lease;
    }

    public Duration getSafetyMargin() {
        return safetyMargin;
    }

    public void setSafetyMargin(Duration safetyMargin) {
        this.safetyMargin = safetyMargin;
    }

    public Duration getPollMin() {
        return pollMin;
    }

    public void setPollMin(Duration pollMin) {
        this.pollMin = pollMin;
    }

    public Duration getPollMax() {
        return pollMax;
    }

    public void setPollMax(Duration pollMax) {
        this.pollMax = pollMax;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getFailureTimeout() {
        return failureTimeout;
    }

    public void setFailureTimeout(Duration failureTimeout) {
        this.failureTimeout = failureTimeout;
    }

    public boolean isProbe() {
        return probe;
    }

    public void setProbe(boolean probe) {
        this.probe = probe;
    }

    public URI getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(URI endpoint) {
        this.endpoint = endpoint;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    public boolean isPathStyleAccess() {
        return pathStyleAccess;
    }

    public void setPathStyleAccess(boolean pathStyleAccess) {
        this.pathStyleAccess = pathStyleAccess;
    }

    public String getAccessKeyId() {
        return accessKeyId;
    }

    public void setAccessKeyId(String accessKeyId) {
        this.accessKeyId = accessKeyId;
    }

    public String getSecretAccessKey() {
        return secretAccessKey;
    }

    public void setSecretAccessKey(String secretAccessKey) {
        this.secretAccessKey = secretAccessKey;
    }
}
