package dev.slocket.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Catches a second holder instead of guessing: whoever enters the critical section creates the
 * marker with {@code CREATE_NEW} and deletes it on exit. A second holder fails to create it.
 * Each entry also appends "token pid" to a journal so tests can check token order.
 */
public final class OccupancyMarker {

    private final Path marker;

    private final Path journal;

    public OccupancyMarker(Path directory) {
        this.marker = directory.resolve("occupied");
        this.journal = directory.resolve("journal");
    }

    /**
     * @param who a description of the entrant, written into the marker
     * @param fencingToken the entrant's token, appended to the journal
     * @throws IllegalStateException if someone else is inside
     */
    public void enter(String who, long fencingToken) throws IOException {
        try {
            Files.writeString(marker, who, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        catch (FileAlreadyExistsException ex) {
            String other = Files.exists(marker) ? Files.readString(marker) : "?";
            throw new IllegalStateException("DOUBLE HOLDER: " + who + " entered while " + other + " was inside");
        }
        Files.writeString(journal, fencingToken + " " + who + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Leaves the critical section. */
    public void exit() throws IOException {
        Files.delete(marker);
    }

    /** @return the journal path: one "token who" line per entry, in order of entry */
    public Path journal() {
        return journal;
    }
}
