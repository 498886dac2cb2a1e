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
        assertThat(DirectoryCheck.problem(directory, details)).isEmpty();
        assertThat(details).containsEntry("owner", System.getProperty("user.name"))
                .containsEntry("permissions", "rwx------");
        assertThat(directory).isEmptyDirectory();
    }

    @Test
    void missingDirectoryOrFile(@TempDir Path parent) throws Exception {
        assertThat(DirectoryCheck.problem(parent.resolve("missing"), details)).get(STRING)
                .contains("does not exist");
        Path file = Files.createFile(parent.resolve("file"));
        assertThat(DirectoryCheck.problem(file, details)).get(STRING).contains("is not a directory");
    }

    @Test
    void aDirectoryEveryoneCanWriteIsRefused(@TempDir Path directory) throws Exception {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(DirectoryCheck.problem(directory, details)).get(STRING).contains("writable by every user");
    }

    @Test
    void aGroupWritableDirectoryOfAnotherUserIsShared(@TempDir Path directory) throws Exception {
        String other = System.getProperty("user.name").equals("nobody") ? "root" : "nobody";
        Files.setOwner(directory, directory.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(other));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        assertThat(DirectoryCheck.problem(directory, details)).get(STRING).contains("belongs to " + other);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(DirectoryCheck.problem(directory, details).filter(problem -> problem.contains("belongs to")))
                .isEmpty();
    }
}
