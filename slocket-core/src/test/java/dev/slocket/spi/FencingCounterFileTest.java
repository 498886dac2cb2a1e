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
    void startsAtOneAndKeepsIncreasing() {
        Path counter = directory.resolve("x.token");
        assertThat(FencingCounterFile.next(counter)).isEqualTo(1);
        assertThat(FencingCounterFile.next(counter)).isEqualTo(2);
        assertThat(FencingCounterFile.next(counter)).isEqualTo(3);
    }

    @Test
    void continuesFromWhatIsStored() throws Exception {
        Path counter = directory.resolve("y.token");
        Files.writeString(counter, "00000000000000000041");
        assertThat(FencingCounterFile.next(counter)).isEqualTo(42);
        assertThat(Files.readString(counter)).isEqualTo("00000000000000000042");
    }

    @Test
    void reportsACorruptCounterInsteadOfRestartingAtOne() throws Exception {
        Path counter = directory.resolve("z.token");
        Files.writeString(counter, "garbage");
        assertThatThrownBy(() -> FencingCounterFile.next(counter)).isInstanceOf(LockBackendException.class)
                .hasMessageContaining("corrupt").hasMessageContaining("z.token");
    }
}
