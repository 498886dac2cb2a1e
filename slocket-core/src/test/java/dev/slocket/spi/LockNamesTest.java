package dev.slocket.spi;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LockNamesTest {

    @Test
    void keepsSafeCharactersAndEscapesEverythingElse() {
        assertThat(LockNames.encode("order-42_v1.2")).isEqualTo("order-42_v1.2");
        assertThat(LockNames.encode("a/b c")).isEqualTo("a%2Fb%20c");
        assertThat(LockNames.encode("ä")).isEqualTo("%C3%A4");
        assertThat(LockNames.encode("100%")).isEqualTo("100%25");
    }

    @Test
    void unpairedSurrogatesAreRejectedNamingTheRulePairedOnesAreKept() {
        for (String name : List.of("a\uD800", "a\uDC00b", "\uDC00\uD800", "\uD83D")) {
            assertThatThrownBy(() -> LockNames.encode(name)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unpaired surrogates");
        }
        assertThat(LockNames.encode("a\uD83D\uDE00")).isEqualTo("a%F0%9F%98%80").isNotEqualTo(LockNames.encode("a?"));
    }

    @Test
    void onACaseInsensitiveFileSystemNamesThatDifferOnlyInCaseStayDistinct() {
        List<String> names = List.of("Report", "report", "REPORT", "a%41", "aA", "aa", "%2e", "%2E", "x".repeat(200)
                + "A", "x".repeat(200) + "a");
        Set<String> folded = new HashSet<>();
        for (String name : names) {
            folded.add(LockNames.encode(name, 120, true).toLowerCase(java.util.Locale.ROOT));
        }
        assertThat(folded).as("distinct even when compared ignoring case").hasSize(names.size());
        assertThat(LockNames.encode("Report", true)).isEqualTo("%52eport");
        assertThat(LockNames.encode("Report")).as("case-sensitive file systems keep the Node encoding")
                .isEqualTo("Report");
    }

    @Test
    void neverMapsToDotEntriesOrHiddenFiles() {
        assertThat(LockNames.encode(".")).isEqualTo("%2E");
        assertThat(LockNames.encode("..")).isEqualTo("%2E.");
        assertThat(LockNames.encode("../../etc/passwd")).doesNotContain("/").startsWith("%2E");
        assertThat(LockNames.encode(".hidden")).isEqualTo("%2Ehidden");
    }

    @Test
    void distinctNamesGetDistinctEncodings() {
        List<String> names = List.of(".", "%2E", "%2e", "..", "%2E.", "a/b", "a%2Fb", "a b", "a+b", "A", "a", "~",
                "%7E", "x".repeat(255), "x".repeat(254) + "y");
        Set<String> encodings = new HashSet<>();
        for (String name : names) {
            encodings.add(LockNames.encode(name, 120));
        }
        assertThat(encodings).hasSize(names.size());
    }

    @Test
    void usesTheDigestFormOnlyWhenThePlainFormIsTooLong() {
        assertThat(LockNames.encode("short", 60)).isEqualTo("short");
        String longName = "€".repeat(100);
        String encoded = LockNames.encode(longName, 80);
        assertThat(encoded).hasSizeLessThanOrEqualTo(80).contains("~").startsWith("%E2%82%AC");
        assertThat(encoded).matches("[A-Za-z0-9._%-]*~[a-z2-7]{52}");
        assertThat(LockNames.encode(longName, 80)).as("deterministic").isEqualTo(encoded);
        assertThat(LockNames.encode(longName + "x", 80)).isNotEqualTo(encoded);
    }

    @Test
    void digestPrefixNeverCutsAnEscapeInHalf() {
        for (int max = 53; max < 70; max++) {
            String encoded = LockNames.encode("é".repeat(50), max);
            String prefix = encoded.substring(0, encoded.indexOf('~'));
            assertThat(prefix).matches("(%[0-9A-F]{2})*");
        }
    }

    @Test
    void validationNamesTheRuleBroken() {
        assertThatThrownBy(() -> LockNames.validate(null)).hasMessageContaining("null");
        assertThatThrownBy(() -> LockNames.validate("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> LockNames.validate("a".repeat(256))).hasMessageContaining("at most 255");
        assertThatThrownBy(() -> LockNames.validate("a\nb")).hasMessageContaining("control characters")
                .hasMessageContaining("U+000A");
        assertThatThrownBy(() -> LockNames.validate("nul\u0000")).hasMessageContaining("U+0000");
        assertThat(LockNames.validate("x".repeat(255))).hasSize(255);
    }

    @Test
    void refusesALimitTooSmallForTheDigestForm() {
        assertThatThrownBy(() -> LockNames.encode("a", 52)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("53");
    }
}
