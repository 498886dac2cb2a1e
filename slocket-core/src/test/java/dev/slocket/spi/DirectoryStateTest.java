package dev.slocket.spi;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
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

    /** Age-based tmp cleaners never find the state files idle while they are in use (issue: the .owner concern). */
    @Test
    void filesInUseHaveTheirTimesSetOnceAnHour() throws Exception {
        DirectoryState state = DirectoryState.of(directory, LockFileOpener.NO_LINKS);
        FileTime elevenDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(11)));
        for (String file : List.of(DirectoryState.RIGHTS, DirectoryState.TOKENS)) {
            Files.getFileAttributeView(directory.resolve(file), BasicFileAttributeView.class)
                    .setTimes(elevenDaysAgo, elevenDaysAgo, null);
        }
        state.freshenIfDue(System.nanoTime());
        assertThat(Files.getLastModifiedTime(directory.resolve(DirectoryState.RIGHTS))).as("not due within the hour")
                .isEqualTo(elevenDaysAgo);
        state.freshenIfDue(System.nanoTime() + DirectoryState.FRESHEN_NANOS);
        Instant aMinuteAgo = Instant.now().minus(Duration.ofMinutes(1));
        for (String file : List.of(DirectoryState.RIGHTS, DirectoryState.TOKENS)) {
            BasicFileAttributes attributes = Files.readAttributes(directory.resolve(file), BasicFileAttributes.class);
            assertThat(attributes.lastModifiedTime().toInstant()).isAfter(aMinuteAgo);
            assertThat(attributes.lastAccessTime().toInstant()).isAfter(aMinuteAgo);
        }
    }

    /**
     * Other processes, and earlier versions of this library, read and write a counter with
     * {@code pread}/{@code pwrite} under the slot's POSIX lock: they see this process's tokens and
     * this process continues from theirs.
     */
    @Test
    void tokensAreWhereAPlainReadOrWriteOfTheFileFindsThem() throws Exception {
        DirectoryState state = DirectoryState.of(directory, LockFileOpener.NO_LINKS);
        long token = state.nextToken("name", 0);
        long position = (long) DirectoryState.slot("name") * Long.BYTES;
        try (FileChannel plain = FileChannel.open(directory.resolve(DirectoryState.TOKENS), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer stored = ByteBuffer.allocate(Long.BYTES);
            plain.read(stored, position);
            assertThat(stored.getLong(0)).isEqualTo(token);

            plain.write(ByteBuffer.allocate(Long.BYTES).putLong(0, 1_000_000L), position);
        }
        assertThat(state.nextToken("name", 0)).isEqualTo(1_000_001L);
    }

    /**
     * A token costs no write to the file: every write would wake the watches of the directory in
     * every process (waiters for a socket file), and set the file's times through the journal.
     */
    @Test
    void aTokenRaisesNoEventForWatchersOfTheDirectory() throws Exception {
        DirectoryState state = DirectoryState.of(directory, LockFileOpener.NO_LINKS);
        state.nextToken("name", 0);
        try (WatchService watch = directory.getFileSystem().newWatchService()) {
            directory.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            for (int i = 0; i < 100; i++) {
                state.nextToken("name", 0);
            }
            Files.writeString(directory.resolve("after-the-tokens"), "x");

            List<String> named = new ArrayList<>();
            while (!named.contains("after-the-tokens")) {
                WatchKey key = watch.poll(10, TimeUnit.SECONDS);
                assertThat(key).as("an event for the file written after the tokens").isNotNull();
                key.pollEvents().forEach(event -> named.add(String.valueOf(event.context())));
                key.reset();
            }
            assertThat(named).doesNotContain(DirectoryState.TOKENS);
        }
    }

    /** A counters file cut short under a running process (by hand, or a restore) costs its tokens, not the process. */
    @Test
    void aCountersFileCutShortStillGivesTokens() throws Exception {
        DirectoryState state = DirectoryState.of(directory, LockFileOpener.NO_LINKS);
        state.nextToken("name", 0);
        try (FileChannel plain = FileChannel.open(directory.resolve(DirectoryState.TOKENS), StandardOpenOption.WRITE)) {
            plain.truncate(0);
        }
        long floor = FencingCounterFile.clockFloor();
        DirectoryState checked = DirectoryState.of(directory, LockFileOpener.NO_LINKS);
        assertThat(checked).as("no second channel on the rights file").isSameAs(state);
        assertThat(Files.size(directory.resolve(DirectoryState.TOKENS))).as("mapped whole again")
                .isEqualTo((long) DirectoryState.SLOTS * Long.BYTES);
        assertThat(checked.nextToken("name", floor)).isGreaterThanOrEqualTo(floor);
        assertThat(checked.nextToken("name", 0)).isGreaterThan(floor);
    }

    /**
     * A counters file deleted (by a tmp cleaner) is opened afresh at the next acquisition, by the
     * same state: a second channel on the rights file, once closed by the garbage collector, would
     * drop every right the process holds there.
     */
    @Test
    void aDeletedCountersFileIsOpenedAfreshWithoutReopeningTheRights() throws Exception {
        DirectoryState state = DirectoryState.of(directory, LockFileOpener.NO_LINKS);
        state.nextToken("name", 0);
        Files.delete(directory.resolve(DirectoryState.TOKENS));

        DirectoryState checked = DirectoryState.of(directory, LockFileOpener.NO_LINKS);
        assertThat(checked).isSameAs(state);
        long floor = FencingCounterFile.clockFloor();
        long token = checked.nextToken("name", floor);
        assertThat(token).isGreaterThanOrEqualTo(floor);
        try (FileChannel plain = FileChannel.open(directory.resolve(DirectoryState.TOKENS), StandardOpenOption.READ)) {
            ByteBuffer stored = ByteBuffer.allocate(Long.BYTES);
            plain.read(stored, (long) DirectoryState.slot("name") * Long.BYTES);
            assertThat(stored.getLong(0)).as("stored in the new file").isEqualTo(token);
        }
    }
}
