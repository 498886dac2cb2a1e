package dev.slocket.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code slocket.file.*} group: options of the lock-directory backend
 * ({@code slocket.backend=file}).
 */
@ConfigurationProperties("slocket.file")
public class SlocketFileProperties {

    /**
     * The directory that holds the lock directories ('<name>.lock') and their fencing counters;
     * created if missing. Every process that should share locks must use the same directory, e.g.
     * a volume shared by several containers.
     */
    private Path directory = Path.of(System.getProperty("java.io.tmpdir"), "slocket-" + System.getProperty("user.name"));

    /**
     * How old a lock's modification time may get before another process takes the lock over
     * (at least 2s).
     */
    private Duration stale = Duration.ofSeconds(10);

    /**
     * How often a holder refreshes its lock's modification time (1s..stale/2). Unset means
     * stale/2.
     */
    private Duration update;

    /**
     * The safety poll while waiting, beside file-system watch events (10ms..60s).
     */
    private Duration watchPollInterval = Duration.ofSeconds(1);

    /**
     * The group whose users share the lock directory and each other's locks (the directory must
     * have this group and must not be writable by others); unset for a directory private to the
     * process's user, which is then refused if another user owns it or its group may write it.
     */
    private String sharedGroup;

    public Path getDirectory() {
        return directory;
    }

    public void setDirectory(Path directory) {
        this.directory = directory;
    }

    public Duration getStale() {
        return stale;
    }

    public void setStale(Duration stale) {
        this.stale = stale;
    }

    public Duration getUpdate() {
        return update;
    }

    public void setUpdate(Duration update) {
        this.update = update;
    }

    public Duration getWatchPollInterval() {
        return watchPollInterval;
    }

    public void setWatchPollInterval(Duration watchPollInterval) {
        this.watchPollInterval = watchPollInterval;
    }

    public String getSharedGroup() {
        return sharedGroup;
    }

    public void setSharedGroup(String sharedGroup) {
        this.sharedGroup = sharedGroup;
    }
}
