package dev.slocket.file;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.RegistryOptions;
import dev.slocket.Slocket;
import dev.slocket.testing.OccupancyMarker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The child JVM of {@link FileLockProcessTest}: a process that uses the file backend on a
 * shared directory with the 2 s minimum {@code stale} and prints what happens to it.
 *
 * <ul>
 * <li>{@code hold DIR NAME}: acquire, print {@code ACQUIRED <token>}, hold until killed;
 * a loss prints {@code LOST <wall-clock ms> <reason>}.</li>
 * <li>{@code exit DIR NAME}: acquire, print {@code ACQUIRED}, return from {@code main}.</li>
 * <li>{@code contend DIR NAME ROUNDS MARKER_DIR}: acquire, enter the occupancy marker, hold a
 * random few ms, leave, release; {@code DONE} at the end.</li>
 * <li>{@code race DIR NAME ROUNDS SYNC_DIR PAUSE_MS}: per round, wait for {@code go-<i>}, make one
 * attempt (pausing {@code PAUSE_MS} between deciding that the lock is stale and removing it),
 * print {@code ROUND <i> WIN <token>} or {@code ROUND <i> LOSE}; a winner holds until
 * {@code end-<i>} exists, then releases and prints {@code ROUND <i> RELEASED}.</li>
 * </ul>
 */
public final class FileLockChild {

    private FileLockChild() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[1]);
        String name = args[2];
        FileLockOptions options = FileLockOptions.builder(directory).stale(Duration.ofSeconds(2))
                .watchPollInterval(Duration.ofMillis(500)).build();
        long pauseMillis = args[0].equals("race") ? Long.parseLong(args[5]) : 0;
        StaleTakeover takeover = new StaleTakeover(() -> pause(pauseMillis));
        LockRegistry registry = Slocket.registry(new FileLockBackend(options, takeover, new RealLockFileSystem()),
                RegistryOptions.defaults().withShutdownGrace(Duration.ofMillis(500)));
        switch (args[0]) {
            case "hold" -> hold(registry, name);
            case "exit" -> System.out.println("ACQUIRED " + registry.acquire(name).fencingToken());
            case "contend" -> contend(registry, name, Integer.parseInt(args[3]), new OccupancyMarker(Path.of(args[4])));
            case "race" -> race(registry, name, Integer.parseInt(args[3]), Path.of(args[4]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static void hold(LockRegistry registry, String name) throws InterruptedException {
        HeldLock lock = registry.acquire(name);
        lock.onLost(loss -> System.out.println("LOST " + System.currentTimeMillis() + " " + loss.reason()));
        System.out.println("ACQUIRED " + lock.fencingToken());
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void contend(LockRegistry registry, String name, int rounds, OccupancyMarker marker)
            throws Exception {
        String who = "pid " + ProcessHandle.current().pid();
        for (int i = 0; i < rounds; i++) {
            try (HeldLock lock = registry.acquire(name, Duration.ofSeconds(60))) {
                marker.enter(who, lock.fencingToken());
                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 15));
                marker.exit();
            }
        }
        System.out.println("DONE");
        registry.close();
    }

    private static void race(LockRegistry registry, String name, int rounds, Path sync) throws Exception {
        for (int i = 0; i < rounds; i++) {
            Path go = sync.resolve("go-" + i);
            while (!Files.exists(go)) {
                Thread.onSpinWait();
            }
            Optional<HeldLock> won = registry.tryAcquire(name);
            if (won.isEmpty()) {
                System.out.println("ROUND " + i + " LOSE");
                continue;
            }
            System.out.println("ROUND " + i + " WIN " + won.get().fencingToken());
            Path end = sync.resolve("end-" + i);
            while (!Files.exists(end)) {
                Thread.sleep(2);
            }
            won.get().release();
            System.out.println("ROUND " + i + " RELEASED");
        }
        registry.close();
    }
}
