package dev.slocket.spring.event;

import dev.slocket.LockLoss;
import dev.slocket.LockRegistry;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a lock held by the application's {@link LockRegistry} is lost: the work that
 * ran under it since the loss was not protected.
 */
public class LockLostEvent extends ApplicationEvent {

    private final LockLoss loss;

    /**
     * @param registry the registry that held the lock
     * @param loss what the backend reported
     */
    public LockLostEvent(LockRegistry registry, LockLoss loss) {
        super(registry);
        this.loss = loss;
    }

    /** @return the lost lock: name, fencing token, backend, reason and when it was detected */
    public LockLoss getLoss() {
        return loss;
    }
}
