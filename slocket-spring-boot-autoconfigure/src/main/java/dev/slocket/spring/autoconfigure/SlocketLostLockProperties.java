package dev.slocket.spring.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code slocket.lost-lock.*} group: what a {@code @Mutexed} call does when its lock is lost. */
@ConfigurationProperties("slocket.lost-lock")
public class SlocketLostLockProperties {

    /**
     * Whether a lost lock also interrupts the thread that runs the @Mutexed method, as soon as the
     * loss is detected. Either way the call ends with LockLostException after the method returns,
     * and a LockLostEvent is published.
     */
    private boolean interrupt = false;

    public boolean isInterrupt() {
        return interrupt;
    }

    public void setInterrupt(boolean interrupt) {
        this.interrupt = interrupt;
    }
}
