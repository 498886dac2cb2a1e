package dev.slocket.file;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** FL-5, FL-6: defaults and bounds of {@code stale} and {@code update}; FL-25, FL-28: the mtime probe. */
class LockTimingTest {

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void staleDefaultsToTenSecondsAndIsAtLeastTwo() {
        assertThat(LockTiming.defaults().stale()).isEqualTo(Duration.ofSeconds(10));
        assertThat(new LockTiming(ms(100), null).stale()).isEqualTo(ms(2000));
        assertThat(new LockTiming(Duration.ZERO, null).stale()).isEqualTo(ms(2000));
        assertThat(new LockTiming(ms(-5), null).stale()).isEqualTo(ms(2000));
        assertThat(new LockTiming(Duration.ofHours(5), null).stale()).isEqualTo(Duration.ofHours(5));
    }

    @Test
    void updateDefaultsToHalfStaleAndIsBetweenOneSecondAndHalfStale() {
        assertThat(LockTiming.defaults().update()).isEqualTo(ms(5000));
        assertThat(new LockTiming(ms(2000), null).update()).isEqualTo(ms(1000));
        assertThat(new LockTiming(null, ms(100)).update()).isEqualTo(ms(1000));
        assertThat(new LockTiming(null, Duration.ZERO).update()).isEqualTo(ms(1000));
        assertThat(new LockTiming(ms(5000), ms(6000)).update()).isEqualTo(ms(2500));
        assertThat(new LockTiming(ms(2000), ms(1500)).update()).as("lower bound wins over stale/2").isEqualTo(ms(1000));
        assertThat(new LockTiming(ms(10000), ms(3000)).update()).isEqualTo(ms(3000));
    }

    @Test
    void optionsBuilderAppliesTheBoundsAndChecksThePoll() {
        FileLockOptions options = FileLockOptions.builder(Path.of("locks")).stale(ms(100)).update(ms(10)).build();
        assertThat(options.stale()).isEqualTo(ms(2000));
        assertThat(options.update()).isEqualTo(ms(1000));
        assertThat(options.directory()).isAbsolute();
        assertThat(FileLockOptions.defaults(Path.of("x")).watchPollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> FileLockOptions.builder(Path.of("x")).watchPollInterval(ms(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("watchPollInterval");
        assertThatThrownBy(() -> PathLockOptions.builder().acquireTimeout(ms(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acquireTimeout");
    }

    @Test
    void probeTellsSecondsFromMillisecondsAndHeartbeatsRoundUpOnSecondFileSystems() {
        long probe = MtimePrecision.probeMtime(1_700_000_000_400L);
        assertThat(probe).isEqualTo(1_700_000_001_005L);
        assertThat(MtimePrecision.fromProbe(probe)).isEqualTo(MtimePrecision.MILLIS);
        assertThat(MtimePrecision.fromProbe(1_700_000_001_000L)).isEqualTo(MtimePrecision.SECONDS);
        assertThat(MtimePrecision.SECONDS.heartbeatMtime(1_700_000_000_001L)).isEqualTo(1_700_000_001_000L);
        assertThat(MtimePrecision.SECONDS.heartbeatMtime(1_700_000_000_000L)).isEqualTo(1_700_000_000_000L);
        assertThat(MtimePrecision.MILLIS.heartbeatMtime(1_700_000_000_123L)).isEqualTo(1_700_000_000_123L);
    }
}
