package dev.slocket;

/**
 * A lock that was held stopped being ours before it was released: the work done under it
 * may have run without mutual exclusion.
 */
public class LockLostException extends SlocketException {

    private static final long serialVersionUID = 1L;

    private final transient LockLoss loss;

    public LockLostException(LockLoss loss) {
        super("Lock '" + loss.name() + "' (fencing token " + loss.fencingToken() + ") was lost: "
                + loss.reason());
        this.loss = loss;
    }

    /** @return what was lost, when and why */
    public LockLoss loss() {
        return loss;
    }
}
