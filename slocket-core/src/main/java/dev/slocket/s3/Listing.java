package dev.slocket.s3;

import java.util.ArrayList;
import java.util.List;

/**
 * What one listing of a lock's folder showed.
 *
 * @param folder the folder listed
 * @param latest the newest generation, 0 if there is none
 * @param latestEtag the ETag of the newest generation object as listed; empty if none
 * @param released whether the newest generation has its release marker
 * @param obsoleteKeys keys of generations older than the newest, and their markers, to clean up
 */
record Listing(String folder, long latest, String latestEtag, boolean released, List<String> obsoleteKeys) {

    Listing {
        obsoleteKeys = List.copyOf(obsoleteKeys);
    }

    /**
     * @param folder the folder listed
     * @param keys the listed keys
     * @param etags the listed ETags, parallel to {@code keys}
     * @return the listing
     */
    static Listing of(String folder, List<String> keys, List<String> etags) {
        long latest = 0;
        String latestEtag = "";
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            long generation = LockKeys.generationOf(folder, key);
            if (generation > latest && !LockKeys.isMarker(key)) {
                latest = generation;
                latestEtag = etags.get(i);
            }
        }
        boolean released = false;
        List<String> obsolete = new ArrayList<>();
        for (String key : keys) {
            long generation = LockKeys.generationOf(folder, key);
            if (generation < 0) {
                continue;
            }
            if (generation < latest) {
                obsolete.add(key);
            }
            else if (generation == latest && LockKeys.isMarker(key)) {
                released = true;
            }
        }
        return new Listing(folder, latest, latestEtag, released, obsolete);
    }

    /** @return whether the next generation may be created now: nobody ever held it, or the last holder released */
    boolean free() {
        return latest == 0 || released;
    }
}
