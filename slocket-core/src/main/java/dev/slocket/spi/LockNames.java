package dev.slocket.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Lock-name rules (1..255 characters, no control characters, no unpaired surrogates) and the mapping of a name to a file name or key, the same in every process.
 *
 * <p>Encoding: {@code [A-Za-z0-9._-]} are kept, every other UTF-8 byte becomes {@code %XX}
 * (upper-case hex). A leading {@code .} is encoded too, so no name maps to {@code .},
 * {@code ..} or a hidden file. The encoding is injective because {@code %} is always encoded.
 * When the encoded name is longer than a backend allows, the <em>digest form</em> is used:
 * a prefix of the encoding, {@code ~}, and the base32 SHA-256 of the name. {@code ~} never
 * occurs in a plain encoding, so the two forms cannot collide. On a case-insensitive file system
 * upper-case ASCII letters are encoded as well: outside {@code %XX} escapes (whose hex digits are
 * always upper case) the result then has no upper-case letters, so no two results differ only in
 * case. npm {@code slocket} and {@code proper-lockfile} do not do this, so on such a file system
 * they share locks with this library only for names without upper-case letters.
 */
public final class LockNames {

    /** Longest accepted name, in characters. */
    public static final int MAX_NAME_LENGTH = 255;

    /** Length of the digest part of the digest form (52) plus its {@code ~} marker. */
    public static final int DIGEST_FORM_MIN_LENGTH = 53;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private LockNames() {
    }

    /**
     * @param name a lock name
     * @return the name, if valid
     * @throws IllegalArgumentException naming the rule the name breaks
     */
    public static String validate(String name) {
        if (name == null) {
            throw new IllegalArgumentException("Lock name must not be null");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Lock name must not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("Lock name must be at most " + MAX_NAME_LENGTH
                    + " characters, was " + name.length() + ": '" + name.substring(0, 40) + "...'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(String.format(
                        "Lock name must not contain control characters, found U+%04X at index %d", (int) c, i));
            }
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            }
            else if (Character.isSurrogate(c)) {
                // UTF-8 would turn it into '?', so 'a\uD800' and 'a?' would be one lock
                throw new IllegalArgumentException(String.format("Lock name must be valid UTF-16 (no unpaired"
                        + " surrogates), found a lone surrogate U+%04X at index %d", (int) c, i));
            }
        }
        return name;
    }

    /**
     * @param name a valid lock name
     * @return the plain encoding of the name
     */
    public static String encode(String name) {
        return encode(name, false);
    }

    /**
     * @param name a valid lock name
     * @param foldCase whether the result must stay distinct on a case-insensitive file system:
     *        upper-case ASCII letters are then encoded too, so no two results differ only in case
     * @return the plain encoding of the name
     */
    public static String encode(String name, boolean foldCase) {
        byte[] bytes = validate(name).getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (isKept(b) && !(i == 0 && b == '.') && !(foldCase && b >= 'A' && b <= 'Z')) {
                out.append((char) b);
            }
            else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
        }
        return out.toString();
    }

    /**
     * Maps a name to a file name or key part of at most {@code maxLength} ASCII characters.
     *
     * @param name a valid lock name
     * @param maxLength the longest result the backend can use, at least {@link #DIGEST_FORM_MIN_LENGTH}
     * @return the plain encoding if it fits, otherwise the digest form
     */
    public static String encode(String name, int maxLength) {
        return encode(name, maxLength, false);
    }

    /**
     * Maps a name to a file name of at most {@code maxLength} ASCII characters.
     *
     * @param name a valid lock name
     * @param maxLength the longest result the backend can use, at least {@link #DIGEST_FORM_MIN_LENGTH}
     * @param foldCase whether the file system ignores case (see {@link #encode(String, boolean)})
     * @return the plain encoding if it fits, otherwise the digest form
     */
    public static String encode(String name, int maxLength, boolean foldCase) {
        if (maxLength < DIGEST_FORM_MIN_LENGTH) {
            throw new IllegalArgumentException("A lock name needs room for at least "
                    + DIGEST_FORM_MIN_LENGTH + " characters, only " + maxLength + " available");
        }
        String plain = encode(name, foldCase);
        if (plain.length() <= maxLength) {
            return plain;
        }
        String digest = "~" + sha256Base32(name);
        int prefixLength = Math.min(plain.length(), maxLength - digest.length());
        String prefix = plain.substring(0, prefixLength);
        // never cut a %XX escape in half
        int percent = prefix.lastIndexOf('%');
        if (percent >= 0 && percent > prefix.length() - 3) {
            prefix = prefix.substring(0, percent);
        }
        return prefix + digest;
    }

    private static boolean isKept(int b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '.' || b == '_'
                || b == '-';
    }

    private static String sha256Base32(String name) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is required by every JVM", ex);
        }
        StringBuilder out = new StringBuilder(52);
        int buffer = 0;
        int bits = 0;
        for (byte b : hash) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 0x1F]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 0x1F]);
        }
        return out.toString();
    }
}
