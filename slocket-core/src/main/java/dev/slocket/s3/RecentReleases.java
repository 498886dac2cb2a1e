package dev.slocket.s3;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The generations this backend instance released itself, for the most recently used locks
 * (bounded, so memory does not grow with the number of names). When this instance acquires the
 * same lock again it can create the next generation straight away instead of listing first; if
 * someone else acquired in between, that create fails (412) and the acquisition lists as usual.
 */
final class RecentReleases {

    /**
     * @param generation the generation released
     * @param createSentNanos when its create was sent: no newer generation existed before then
     */
    record Released(long generation, long createSentNanos) {
    }

    private static final int CAPACITY = 1024;

    private final Map<String, Released> released = new LinkedHashMap<>(16, 0.75f, true) {

        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Released> eldest) {
            return size() > CAPACITY;
        }
    };

    synchronized void record(String folder, Released generation) {
        released.put(folder, generation);
    }

    /** @return the generation this instance released last in {@code folder}, forgotten once taken */
    synchronized Optional<Released> take(String folder) {
        return Optional.ofNullable(released.remove(folder));
    }
}
