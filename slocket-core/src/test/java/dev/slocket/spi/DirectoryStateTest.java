package dev.slocket.spi;

import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared counters and rights of one lock directory. */
class DirectoryStateTest {

    @TempDir
    Path directory;

    /**
     * Holders of two names that share a counter slot update it at once: no update is lost, so
     * every token is handed out once and each name's tokens strictly increase.
     */
    @Test
    void namesSharingASlotNeverInterleaveTheirUpdates() throws Exception {
        String first = "a";
        String second = null;
        for (int i = 0; second == null; i++) {
            if (DirectoryState.slot("b" + i) == DirectoryState.slot(first)) {
                second = "b" + i;
            }
        }
        DirectoryState state = DirectoryState.of(directory, LockFileOpener.NO_LINKS);
        Set<Long> handedOut = ConcurrentHashMap.newKeySet();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> increasing = new ArrayList<>();
            for (String key : List.of(first, second, first, second)) {
                increasing.add(threads.submit(() -> {
                    long last = 0;
                    boolean ascending = true;
                    for (int i = 0; i < 2_000; i++) {
                        long token = state.nextToken(key, 0);
                        ascending &= token > last;
                        last = token;
                        handedOut.add(token);
                    }
                    return ascending;
                }));
            }
            for (Future<Boolean> result : increasing) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
            }
        }
        finally {
            threads.shutdownNow();
        }
        assertThat(handedOut).hasSize(8_000);
        assertThat(state.nextToken(first, 0)).isEqualTo(8_001);
    }

    @Test
    void aNamesRightsAreExclusiveAndDistinctFromAnotherNames() throws Exception {
        DirectoryState state = DirectoryState.of(directory, LockFileOpener.NO_LINKS);
        long arbiter = DirectoryState.rightPosition("job", 0);
        assertThat(DirectoryState.rightPosition("job", 1)).isEqualTo(arbiter + 1);
        assertThat(DirectoryState.rightPosition("other", 0)).isNotEqualTo(arbiter);
        FileLock held = state.tryLock(arbiter);
        assertThat(held).isNotNull();
        assertThat(state.tryLock(arbiter)).as("taken in this JVM").isNull();
        FileLock other = state.tryLock(DirectoryState.rightPosition("other", 0));
        assertThat(other).isNotNull();
        held.release();
        other.release();
        assertThat(directory.resolve(DirectoryState.RIGHTS)).isEmptyFile();
    }
}
