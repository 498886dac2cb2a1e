package dev.slocket.spi;

import dev.slocket.LockBackendException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FencingCountersTest {

    @TempDir
    Path directory;

    private final FencingCounters counters = new FencingCounters(2, LockFileOpener.NO_LINKS, () -> 0);

    @AfterEach
    void close() {
        counters.close();
    }

    @Test
    void continuesFromWhatIsStoredInTheSameFormat() throws Exception {
        Path counter = directory.resolve("a.token");
        Files.writeString(counter, "00000000000000000041");
        assertThat(counters.next(counter)).isEqualTo(42);
        assertThat(counters.next(counter)).isEqualTo(43);
        assertThat(Files.readString(counter)).isEqualTo("00000000000000000043");
    }

    @Test
    void rewritesContentThatIsNotExactlyTheDigits() throws Exception {
        Path counter = directory.resolve("f.token");
        Files.writeString(counter, "41\n");
        assertThat(counters.next(counter)).isEqualTo(42);
        assertThat(Files.readString(counter)).isEqualTo("00000000000000000042");
        assertThat(counters.next(counter)).isEqualTo(43);
    }

    @Test
    void neverGoesBackAfterAnUpdateCutShort() throws Exception {
        Path counter = directory.resolve("g.token");
        // an update of 0999 to 1000 stopped after its first store: more than the last token, never less
        Files.writeString(counter, "00000000000000001999");
        assertThat(counters.next(counter)).isEqualTo(2000);
        // a first update of a new file stopped after its first store
        Files.write(counter, new byte[] {'0', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertThat(counters.next(counter)).isEqualTo(1);
    }

    @Test
    void seesTokensThatOthersWroteMeanwhile() {
        Path counter = directory.resolve("b.token");
        assertThat(counters.next(counter)).isEqualTo(1);
        assertThat(FencingCounterFile.next(counter, LockFileOpener.NO_LINKS, 0)).isEqualTo(2);
        assertThat(counters.next(counter)).isEqualTo(3);
        assertThat(FencingCounterFile.next(counter, LockFileOpener.NO_LINKS, 0)).isEqualTo(4);
    }

    @Test
    void reopensACounterFileThatWasReplaced() throws Exception {
        Path counter = directory.resolve("c.token");
        assertThat(counters.next(counter)).isEqualTo(1);
        Path replacement = directory.resolve("c.new");
        Files.writeString(replacement, "00000000000000000099");
        Files.move(replacement, counter, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        assertThat(counters.next(counter)).isEqualTo(100);
        Files.delete(counter);
        assertThat(counters.next(counter)).isEqualTo(1);
    }

    @Test
    void keepsCountingCorrectlyWithMoreNamesThanOpenFiles() {
        for (int round = 1; round <= 3; round++) {
            for (int name = 0; name < 5; name++) {
                assertThat(counters.next(directory.resolve(name + ".token"))).isEqualTo(round);
            }
        }
    }

    @Test
    void neverHandsOutLessThanTheFloor() {
        Path counter = directory.resolve("h.token");
        try (FencingCounters clocked = new FencingCounters(2, LockFileOpener.NO_LINKS, () -> 1_000)) {
            assertThat(clocked.next(counter)).isEqualTo(1_000);
            assertThat(clocked.next(counter)).isEqualTo(1_001);
        }
    }

    @Test
    void keepsCountingAfterClose() {
        Path counter = directory.resolve("d.token");
        assertThat(counters.next(counter)).isEqualTo(1);
        counters.close();
        assertThat(counters.next(counter)).isEqualTo(2);
    }

    @Test
    void reportsACorruptCounter() throws Exception {
        Path counter = directory.resolve("e.token");
        Files.writeString(counter, "garbage");
        assertThatThrownBy(() -> counters.next(counter)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("corrupt").hasMessageContaining("e.token");
    }
}
