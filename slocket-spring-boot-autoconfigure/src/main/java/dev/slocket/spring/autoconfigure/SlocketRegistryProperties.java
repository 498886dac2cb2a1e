package dev.slocket.spring.autoconfigure;

import java.time.Duration;

/**
 * One {@code slocket.registries.<id>.*} group: a further registry beside the primary one, with
 * its own backend and that backend's options under the same keys as the primary's.
 */
public class SlocketRegistryProperties {

    /**
     * The backend of this registry: 'socket', 'file', 's3' or 'memory'.
     */
    private String backend = SlocketProperties.DEFAULT_BACKEND;

    /**
     * How long an acquisition without an explicit wait waits on this registry. Unset uses
     * slocket.wait-timeout.
     */
    private Duration waitTimeout;

    private final SlocketProperties.Socket socket = new SlocketProperties.Socket();

    private final SlocketFileProperties file = new SlocketFileProperties();

    private final SlocketS3Properties s3 = new SlocketS3Properties();

    public String getBackend() {
        return backend;
    }

    public void setBackend(String backend) {
        this.backend = backend;
    }

    public Duration getWaitTimeout() {
        return waitTimeout;
    }

    public void setWaitTimeout(Duration waitTimeout) {
        this.waitTimeout = waitTimeout;
    }

    public SlocketProperties.Socket getSocket() {
        return socket;
    }

    public SlocketFileProperties getFile() {
        return file;
    }

    public SlocketS3Properties getS3() {
        return s3;
    }
}
