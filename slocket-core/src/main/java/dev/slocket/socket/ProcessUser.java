package dev.slocket.socket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The uid and primary gid of this process, read once from {@code /proc/self}.
 *
 * @param uid the user id; -1 when unknown
 * @param gid the primary group id; -1 when unknown
 */
record ProcessUser(int uid, int gid) {

    private static final ProcessUser CURRENT = read();

    /** @return this process's user */
    static ProcessUser current() {
        return CURRENT;
    }

    private static ProcessUser read() {
        try {
            Path self = Path.of("/proc/self");
            return new ProcessUser((Integer) Files.getAttribute(self, "unix:uid"),
                    (Integer) Files.getAttribute(self, "unix:gid"));
        }
        catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
            return new ProcessUser(-1, -1);
        }
    }
}
