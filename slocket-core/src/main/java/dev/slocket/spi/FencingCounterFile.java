package dev.slocket.spi;

import dev.slocket.LockBackendException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A fencing-token counter kept in a small file beside a lock and never deleted, so tokens keep
 * increasing across holders, processes and restarts. Only the current holder of the lock may
 * call {@link #next(Path)}: the lock itself serialises the read-increment-write.
 *
 * <p>A token is {@code max(last + 1, }{@link #clockFloor()}{@code )}, so it also increases across a
 * deletion of the file, as long as the clock does not step back.
 *
 * <p>The file holds the last token as 20 zero-padded decimal digits, written in one call at
 * offset 0, so a holder killed mid-way never leaves a torn value. It is not forced to disk:
 * tokens survive process restarts, not a power loss of the machine.
 */
public final class FencingCounterFile {

    /** Digits in the file; the token is stored zero-padded to this width. */
    static final int WIDTH = 20;

    private FencingCounterFile() {
    }

    /**
     * @param counterFile the counter file; created if missing, never through a symbolic link
     * @return the new token: more than the last one stored, and at least {@link #clockFloor()}
     */
    public static long next(Path counterFile) {
        return next(counterFile, LockFileOpener.NO_LINKS, clockFloor());
    }

    /**
     * @param counterFile the counter file; created if missing
     * @param opener opens (or creates) the file, refusing what another user may have planted
     * @param floor the smallest token to hand out, usually {@link #clockFloor()}
     * @return the new token: {@code max(stored + 1, floor)}
     */
    public static long next(Path counterFile, LockFileOpener opener, long floor) {
        try (FileChannel channel = opener.open(counterFile)) {
            return next(channel, counterFile, floor);
        }
        catch (IOException ex) {
            throw failure(counterFile, ex);
        }
    }

    /**
     * The smallest token that may be handed out now: the wall-clock time in microseconds since
     * 1970. A counter whose file was deleted (tmpfs reboot, tmp cleaner) starts again from here,
     * above every token handed out before as long as the clock has not stepped back and tokens
     * were not handed out faster than one per microsecond (see README "fencing tokens").
     *
     * @return the current time in microseconds since the epoch
     */
    public static long clockFloor() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /**
     * @param stored the last token stored
     * @param floor the smallest token to hand out
     * @return the token after {@code stored}
     */
    static long successor(long stored, long floor) {
        return Math.max(stored + 1, floor);
    }

    /**
     * The read-increment-write on an open channel, with positional reads and writes only.
     *
     * @param channel the counter file, open for reading and writing
     * @param counterFile its path, for error messages
     * @param floor the smallest token to hand out
     * @return the new token
     */
    static long next(FileChannel channel, Path counterFile, long floor) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(WIDTH);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // keep reading until the whole value is in
        }
        long next = successor(parse(buffer.array(), buffer.position(), counterFile), floor);
        ByteBuffer out = ByteBuffer.wrap(digits(next));
        while (out.hasRemaining()) {
            channel.write(out, out.position());
        }
        return next;
    }

    static LockBackendException failure(Path counterFile, IOException ex) {
        return new LockBackendException("Cannot update fencing counter " + counterFile + ": " + ex, ex);
    }

    /** @return {@code value} as {@value #WIDTH} zero-padded ASCII digits */
    static byte[] digits(long value) {
        byte[] out = new byte[WIDTH];
        long rest = value;
        for (int i = WIDTH - 1; i >= 0; i--) {
            out[i] = (byte) ('0' + (rest % 10));
            rest /= 10;
        }
        return out;
    }

    /** @return the token stored in the first {@code length} bytes; 0 for blank content */
    static long parse(byte[] stored, int length, Path counterFile) {
        String text = new String(stored, 0, length, StandardCharsets.US_ASCII).trim();
        if (text.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(text);
        }
        catch (NumberFormatException ex) {
            throw new LockBackendException("Fencing counter " + counterFile + " is corrupt: '" + text + "'", ex);
        }
    }
}
