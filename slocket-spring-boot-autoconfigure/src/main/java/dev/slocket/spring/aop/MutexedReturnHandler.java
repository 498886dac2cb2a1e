package dev.slocket.spring.aop;

/**
 * How a {@code @Mutexed} method of some return type holds its lock: for the duration of the
 * call, or until an asynchronous result completes.
 */
public interface MutexedReturnHandler {

    /**
     * @param returnType the declared return type of a {@code @Mutexed} method
     * @return whether this handler runs methods with that return type
     */
    boolean supports(Class<?> returnType);

    /**
     * @param returnType the declared return type
     * @return what a skipped call ({@code onTimeout = SKIP}) returns
     */
    Object skippedValue(Class<?> returnType);

    /**
     * Runs the call under its lock.
     *
     * @param call the intercepted call with its evaluated lock name
     * @return the method's (possibly wrapped) result
     * @throws Throwable what the method threw
     */
    Object invoke(LockedCall call) throws Throwable;
}
