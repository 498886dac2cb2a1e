package dev.slocket.file;

import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LockFileSystem} that counts every call and passes it to the real file system; tests
 * override single operations to inject faults, as the original's tests do with a custom {@code fs}.
 */
class DelegatingLockFileSystem implements LockFileSystem {

    private final RealLockFileSystem real = new RealLockFileSystem();

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** @return how often {@code operation} (a method name of {@link LockFileSystem}) was called */
    int calls(String operation) {
        AtomicInteger count = calls.get(operation);
        return count == null ? 0 : count.get();
    }

    /** @return how many calls there were in all */
    int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Counts a call of {@code operation}; for overrides that do not call the real file system. */
    void count(String operation) {
        calls.computeIfAbsent(operation, key -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void createDirectory(Path dir) throws IOException {
        count("createDirectory");
        real.createDirectory(dir);
    }

    @Override
    public boolean prepareDirectory(Path dir, String sharedGroup) throws IOException {
        count("prepareDirectory");
        return real.prepareDirectory(dir, sharedGroup);
    }

    @Override
    public boolean isDirectory(Path path) {
        count("isDirectory");
        return real.isDirectory(path);
    }

    @Override
    public Path realPath(Path path) throws IOException {
        count("realPath");
        return real.realPath(path);
    }

    @Override
    public DirStamp stat(Path path) throws IOException {
        count("stat");
        return real.stat(path);
    }

    @Override
    public void setMtime(Path path, long millis) throws IOException {
        count("setMtime");
        real.setMtime(path, millis);
    }

    @Override
    public void delete(Path path) throws IOException {
        count("delete");
        real.delete(path);
    }

    @Override
    public void move(Path from, Path to, CopyOption... options) throws IOException {
        count("move");
        real.move(from, to, options);
    }

    @Override
    public OsLock tryLock(LockPaths paths) throws IOException {
        count("tryLock");
        return real.tryLock(paths);
    }

    @Override
    public long nextToken(LockPaths paths) {
        count("nextToken");
        return real.nextToken(paths);
    }

    @Override
    public WatchKey watchDeletions(Path directory, WatchService service) throws IOException {
        count("watchDeletions");
        return real.watchDeletions(directory, service);
    }

    @Override
    public Optional<String> directoryProblem(Path directory, String sharedGroup, Map<String, Object> details) {
        count("directoryProblem");
        return real.directoryProblem(directory, sharedGroup, details);
    }

    @Override
    public void close() {
        real.close();
    }
}
