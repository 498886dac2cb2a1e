package dev.slocket.s3;

import dev.slocket.spi.LockNames;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where a lock's objects live: one generation object per hold,
 * {@code <prefix><encoded name>/<Long.MAX_VALUE - generation, 19 digits>}, and a release marker
 * beside it, {@code <generation key>.released}. Counting down makes S3's key order newest first,
 * so the first page of a listing always holds the newest generation and its marker, however many
 * old generations still wait to be deleted.
 */
final class LockKeys {

    static final String RELEASED_SUFFIX = ".released";

    private static final int MAX_KEY_BYTES = 1024;

    private static final int GENERATION_DIGITS = 19;

    private static final String MAX_DIGITS = Long.toString(Long.MAX_VALUE);

    private final String keyPrefix;

    private final int maxEncodedLength;

    LockKeys(String keyPrefix) {
        this.keyPrefix = keyPrefix;
        int prefixBytes = keyPrefix.getBytes(StandardCharsets.UTF_8).length;
        this.maxEncodedLength = MAX_KEY_BYTES - prefixBytes - 1 - GENERATION_DIGITS - RELEASED_SUFFIX.length();
    }

    /**
     * @param name a valid lock name
     * @return the folder of the name's generations, ending in {@code /}
     */
    String folder(String name) {
        return keyPrefix + LockNames.encode(name, maxEncodedLength) + "/";
    }

    static String generationKey(String folder, long generation) {
        return folder + String.format("%0" + GENERATION_DIGITS + "d", Long.MAX_VALUE - generation);
    }

    /** @return the keys of a generation: its object and its release marker */
    static List<String> keysOf(String folder, long generation) {
        return List.of(generationKey(folder, generation), markerKey(folder, generation));
    }

    static String markerKey(String folder, long generation) {
        return generationKey(folder, generation) + RELEASED_SUFFIX;
    }

    /**
     * @param folder the folder the key was listed under
     * @param key a listed key
     * @return the generation of a generation object or a release marker; -1 for a foreign key
     */
    static long generationOf(String folder, String key) {
        String rest = key.substring(folder.length());
        if (rest.endsWith(RELEASED_SUFFIX)) {
            rest = rest.substring(0, rest.length() - RELEASED_SUFFIX.length());
        }
        if (rest.length() != GENERATION_DIGITS || !rest.chars().allMatch(Character::isDigit)
                || rest.compareTo(MAX_DIGITS) > 0) {
            return -1;
        }
        return Long.MAX_VALUE - Long.parseLong(rest);
    }

    static boolean isMarker(String key) {
        return key.endsWith(RELEASED_SUFFIX);
    }

    /** @return the scratch key of the start-up capability probe for one backend instance */
    String probeKey(String owner) {
        return keyPrefix + ".probe/" + owner;
    }
}
