package dev.slocket;

/**
 * The backend could not do its job: an I/O or service failure, or an unusable configuration
 * (a missing or unwritable lock directory, an S3 bucket without conditional writes, ...).
 * The message names the problem; the cause carries the underlying error.
 */
public class LockBackendException extends SlocketException {

    private static final long serialVersionUID = 1L;

    public LockBackendException(String message) {
        super(message);
    }

    public LockBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
