package dev.slocket.test.sample;

import dev.slocket.LockRegistry;
import dev.slocket.test.AutoConfigureSlocket;
import dev.slocket.test.TestLocks;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.autoconfigure.json.JsonTest;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Which backend the registries of a test get from {@link AutoConfigureSlocket}. */
class BackendAttributeTests {

    @Nested
    @SpringBootTest(properties = { "slocket.backend=socket", "slocket.registries.shared.backend=file",
            "slocket.registries.shared.file.directory=${java.io.tmpdir}/slocket-test-never-used" })
    @AutoConfigureSlocket
    class MemoryByDefault {

        @Test
        void everyRegistryUsesMemoryWhateverTheApplicationConfigures(@Autowired LockRegistry primary,
                @Autowired @Qualifier("shared") LockRegistry shared) {
            assertThat(primary.backendType()).isEqualTo("memory");
            assertThat(shared.backendType()).isEqualTo("memory");
        }
    }

    @Nested
    @SpringBootTest(properties = "slocket.file.directory=target/slocket-test-file-backend")
    @AutoConfigureSlocket(backend = "file")
    class OtherBackend {

        @Test
        void theAttributeChoosesAnotherBackend(@Autowired LockRegistry primary, @Autowired TestLocks testLocks) {
            assertThat(primary.backendType()).isEqualTo("file");
            assertThat(testLocks.held()).isEmpty();
        }
    }

    @Nested
    @SpringBootTest(properties = "slocket.backend=socket")
    @AutoConfigureSlocket(backend = "")
    class ConfiguredBackends {

        @Test
        void anEmptyAttributeKeepsTheConfiguredBackend(@Autowired LockRegistry primary) {
            assertThat(primary.backendType()).isEqualTo("socket");
        }
    }

    @Nested
    @JsonTest
    @AutoConfigureSlocket
    class JsonSlice {

        @Test
        void aSliceGetsSlocketAndTestLocks(@Autowired LockRegistry primary, @Autowired TestLocks testLocks) {
            assertThat(primary.backendType()).isEqualTo("memory");
            assertThat(testLocks.history().events()).isEmpty();
        }
    }
}
