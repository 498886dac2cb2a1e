package dev.slocket.spi;

import dev.slocket.LockBackendException;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FencingCounterFileTest {

    @TempDir
    Path directory;

    @Test
    void startsAtTheFloorAndKeepsIncreasing() {
        Path counter = directory.resolve("x.token");
        assertThat(FencingCounterFile.next(counter, LockFileOpener.NO_LINKS, 0)).isEqualTo(1);
        assertThat(FencingCounterFile.next(counter, LockFileOpener.NO_LINKS, 0)).isEqualTo(2);
        assertThat(FencingCounterFile.next(counter, LockFileOpener.NO_LINKS, 10)).isEqualTo(10);
        assertThat(FencingCounterFile.next(counter, LockFileOpener.NO_LINKS, 5)).isEqualTo(11);
    }

    @Test
    void continuesFromWhatIsStoredEvenAheadOfTheClock() throws Exception {
        Path counter = directory.resolve("y.token");
        Files.writeString(counter, "00000000000000000041");
        assertThat(FencingCounterFile.next(counter, LockFileOpener.NO_LINKS, 0)).isEqualTo(42);
        assertThat(Files.readString(counter)).isEqualTo("00000000000000000042");
        Files.writeString(counter, "09000000000000000000");
        assertThat(FencingCounterFile.next(counter)).isEqualTo(9_000_000_000_000_000_001L);
    }

    @Test
    void aDeletedCounterStartsAgainAboveEveryEarlierTokenFromTheClock() throws Exception {
        Path counter = directory.resolve("w.token");
        long before = FencingCounterFile.clockFloor();
        long first = FencingCounterFile.next(counter);
        assertThat(first).isGreaterThanOrEqualTo(before);
        Files.delete(counter);
        assertThat(FencingCounterFile.next(counter)).isGreaterThan(first);
    }

    @Test
    void reportsACorruptCounterInsteadOfRestartingAtOne() throws Exception {
        Path counter = directory.resolve("z.token");
        Files.writeString(counter, "garbage");
        assertThatThrownBy(() -> FencingCounterFile.next(counter)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("corrupt").hasMessageContaining("z.token");
    }
}
