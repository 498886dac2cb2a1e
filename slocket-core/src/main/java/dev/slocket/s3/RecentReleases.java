package dev.slocket.s3;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The generations this backend instance released itself, for the most recently used locks
 * (bounded, so memory does not grow with the number of names). When this instance acquires the
 * same lock again it can create the next generation straight away instead of listing first; if
 * someone else acquired in between, that create fails (412) and the acquisition lists as usual.
 */
final class RecentReleases {

    private static final int CAPACITY = 1024;

    private final Map<String, Long> released = new LinkedHashMap<>(16, 0.75f, true) {

        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > CAPACITY;
        }
    };

    synchronized void record(String folder, long generation) {
        released.put(folder, generation);
    }

    /** @return the generation this instance released last in {@code folder}, forgotten once taken */
    synchronized OptionalLong take(String folder) {
        Long generation = released.remove(folder);
        return (generation != null) ? OptionalLong.of(generation) : OptionalLong.empty();
    }
}
