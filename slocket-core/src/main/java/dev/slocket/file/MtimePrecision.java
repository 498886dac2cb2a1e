package dev.slocket.file;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a file system keeps mtimes in milliseconds or whole seconds (spec FL-25, FL-28, FL-30),
 * probed once per directory that holds lock directories (so never shared between two file
 * systems), and the mtime a heartbeat writes for it.
 */
enum MtimePrecision {

    /** The file system keeps at least milliseconds: write now. */
    MILLIS,

    /** The file system keeps whole seconds: write now rounded up to a second. */
    SECONDS;

    /**
     * @param nowMillis the wall clock
     * @return the mtime a heartbeat writes
     */
    long heartbeatMtime(long nowMillis) {
        return this == MILLIS ? nowMillis : ceilToSecond(nowMillis);
    }

    /**
     * @param nowMillis the wall clock
     * @return what the probe writes: the next whole second plus 5 ms
     */
    static long probeMtime(long nowMillis) {
        return (nowMillis / 1000 + 1) * 1000 + 5;
    }

    /**
     * @param readBack the mtime read back after writing {@link #probeMtime(long)}
     * @return the precision that mtime shows
     */
    static MtimePrecision fromProbe(long readBack) {
        return readBack % 1000 == 0 ? SECONDS : MILLIS;
    }

    private static long ceilToSecond(long millis) {
        return Math.floorDiv(millis + 999, 1000) * 1000;
    }

    /** Probed precisions, per directory that holds lock directories. */
    static final class Cache {

        private final Map<Path, MtimePrecision> byDirectory = new ConcurrentHashMap<>();

        MtimePrecision get(Path directory) {
            return byDirectory.get(directory);
        }

        void put(Path directory, MtimePrecision precision) {
            byDirectory.put(directory, precision);
        }
    }
}
