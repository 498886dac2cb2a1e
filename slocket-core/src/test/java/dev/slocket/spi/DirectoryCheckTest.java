package dev.slocket.spi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

/** What makes a lock directory unusable, and the reasons given. */
class DirectoryCheckTest {

    private final Map<String, Object> details = new HashMap<>();

    @Test
    void aPrivateDirectoryOfThisUserIsUsable(@TempDir Path directory) throws Exception {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        assertThat(DirectoryCheck.problem(directory, null, details)).isEmpty();
        assertThat(details).containsEntry("owner", System.getProperty("user.name"))
                .containsEntry("permissions", "rwx------");
        assertThat(directory).isEmptyDirectory();
    }

    @Test
    void missingDirectoryOrFile(@TempDir Path parent) throws Exception {
        assertThat(DirectoryCheck.problem(parent.resolve("missing"), null, details)).get(STRING)
                .contains("does not exist");
        Path file = Files.createFile(parent.resolve("file"));
        assertThat(DirectoryCheck.problem(file, null, details)).get(STRING).contains("is not a directory");
    }

    @Test
    void aDirectoryEveryoneCanWriteIsRefused(@TempDir Path directory) throws Exception {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(DirectoryCheck.problem(directory, null, details)).get(STRING).contains("writable by every user");
    }

    @Test
    void aGroupWritableDirectoryOfAnotherUserIsUsableOnlyAsTheConfiguredSharedGroup(@TempDir Path directory)
            throws Exception {
        Files.setAttribute(directory, "unix:uid", 65534);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        assertThat(DirectoryCheck.problem(directory, null, details)).get(STRING).contains("not to this process's user")
                .contains("uid 65534");
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(DirectoryCheck.problem(directory, null, details)).get(STRING).contains("not to this process's user");
        String group = details.get("group").toString();
        assertThat(DirectoryCheck.problem(directory, "not-" + group, details)).get(STRING)
                .contains("does not belong to the configured shared group not-" + group);
        assertThat(DirectoryCheck.problem(directory, group, details)).isEmpty();
    }

    @Test
    void aGroupWritableDirectoryOfThisUserIsRefusedUnlessShared(@TempDir Path directory) throws Exception {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(DirectoryCheck.problem(directory, null, details)).get(STRING).contains("writable by its group")
                .contains("chmod g-w");
    }
}
