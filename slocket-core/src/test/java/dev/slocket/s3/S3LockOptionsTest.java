package dev.slocket.s3;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Defaults of the S3 options and the errors for values out of range. */
class S3LockOptionsTest {

    @Test
    void defaults() {
        S3LockOptions options = S3LockOptions.defaults("bucket");
        assertThat(options.keyPrefix()).isEqualTo("slocket/");
        assertThat(options.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.renewInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.safetyMargin()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.probe()).isTrue();
    }

    @Test
    void badValuesAreRejectedWithTheOptionNamed() {
        assertThatThrownBy(() -> S3LockOptions.defaults(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bucket");
        assertThatThrownBy(() -> S3LockOptions.builder("b").lease(Duration.ofMillis(10)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
        assertThatThrownBy(() -> S3LockOptions.builder("b").poll(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pollMax");
        assertThatThrownBy(() -> S3LockOptions.builder("b").safetyMargin(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("safetyMargin");
        assertThatThrownBy(() -> S3LockOptions.builder("b").keyPrefix("p".repeat(600)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
    }
}
