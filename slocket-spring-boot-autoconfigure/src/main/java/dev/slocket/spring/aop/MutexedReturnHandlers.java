package dev.slocket.spring.aop;

/** The built-in return handlers, one per way of holding: a future, a publisher, the call. */
public final class MutexedReturnHandlers {

    private MutexedReturnHandlers() {
    }

    /** @return holds the lock until a returned {@code CompletionStage} completes */
    public static MutexedReturnHandler completionStage() {
        return new CompletionStageReturnHandler();
    }

    /**
     * @return holds the lock per subscription of a lazy type Spring's {@code ReactiveAdapterRegistry}
     *         knows; supports nothing without Reactor
     */
    public static MutexedReturnHandler publisher() {
        return new PublisherReturnHandler();
    }

    /** @return holds the lock for the duration of the call; supports every type that is not asynchronous */
    public static MutexedReturnHandler blocking() {
        return new BlockingReturnHandler();
    }
}
