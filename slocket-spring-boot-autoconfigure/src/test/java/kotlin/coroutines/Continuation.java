package kotlin.coroutines;

/**
 * Stands in for Kotlin's continuation type (Kotlin is not on the test class path), so that a
 * Java test method can have the JVM signature of a {@code suspend fun}.
 *
 * @param <T> the result type
 */
public interface Continuation<T> {
}
