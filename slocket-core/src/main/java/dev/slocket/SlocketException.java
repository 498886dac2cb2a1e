package dev.slocket;

/**
 * Root of the unchecked exceptions thrown by slocket.
 */
public class SlocketException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SlocketException(String message) {
        super(message);
    }

    public SlocketException(String message, Throwable cause) {
        super(message, cause);
    }
}
