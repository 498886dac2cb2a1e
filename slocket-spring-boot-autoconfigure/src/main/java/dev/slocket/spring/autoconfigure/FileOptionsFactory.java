package dev.slocket.spring.autoconfigure;

import dev.slocket.file.FileLockOptions;

/**
 * Maps {@code slocket.file.*} to {@link FileLockOptions}, naming the property whose value the
 * options reject.
 */
final class FileOptionsFactory {

    private FileOptionsFactory() {
    }

    static FileLockOptions create(SlocketFileProperties file) {
        return create("slocket.file", file);
    }

    static FileLockOptions create(String prefix, SlocketFileProperties file) {
        return OptionValues.build(prefix, file, () -> FileLockOptions.builder(file.getDirectory())
                .stale(file.getStale())
                .update(file.getUpdate())
                .watchPollInterval(file.getWatchPollInterval())
                .sharedGroup(file.getSharedGroup())
                .build());
    }
}
