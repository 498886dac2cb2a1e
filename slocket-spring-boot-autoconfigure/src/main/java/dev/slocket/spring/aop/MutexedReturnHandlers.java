package dev.slocket.spring.aop;

/** The built-in return handlers that need no optional library. */
public final class MutexedReturnHandlers {

    private MutexedReturnHandlers() {
    }

    /** @return holds the lock until a returned {@code CompletionStage} completes */
    public static MutexedReturnHandler completionStage() {
        return new CompletionStageReturnHandler();
    }

    /** @return holds the lock for the duration of the call; supports every return type */
    public static MutexedReturnHandler blocking() {
        return new BlockingReturnHandler();
    }
}
