package dev.slocket.socket;

import dev.slocket.HeldLock;
import dev.slocket.LockInfo;
import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.testing.OccupancyMarker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A child JVM for cross-process socket-lock tests. Arguments:
 * {@code <lockDir> <workDir> <WAIT|RECLAIM> <name> <role> [role args]}, roles:
 * <ul>
 * <li>{@code contend <threads> <rounds>}: threads take the lock in turn, each entry checked by the
 * occupancy marker; prints {@code DONE}.</li>
 * <li>{@code hold <id> <marker yes|no>}: takes the lock, prints {@code HELD <id> <token>}, releases
 * once {@code workDir/release-<id>} exists (prints {@code RELEASED <id>}), exits 0 once
 * {@code workDir/exit-<id>} exists. It keeps serving as arbiter in between.</li>
 * <li>{@code once <id> <holdMillis>}: takes the lock under the marker, prints
 * {@code ACQUIRED <id> <token>}, holds, releases, prints {@code RELEASED <id>} and exits 0.</li>
 * <li>{@code names <count>}: takes {@code <name>-0} to {@code <name>-<count - 1>}, prints
 * {@code HELD <count>}, releases {@code <name>-<i>} once {@code workDir/release-<i>} exists (prints
 * {@code RELEASED <i>}) and exits 0 once {@code workDir/exit} exists. It keeps serving as arbiter.</li>
 * <li>{@code path}: prints {@code PATH <socket path of name>}.</li>
 * <li>{@code loop <rounds>}: prints {@code READY}, waits for {@code workDir/go}, then takes and
 * releases the lock {@code rounds} times as fast as it can, writes the tokens it got to
 * {@code workDir/tokens-<pid>} and prints {@code DONE}. An arbiter keeps a released grantee's
 * place for a second (not the default 2 ms), so a child the machine's load holds up for a few
 * milliseconds on its way back still finds its place: the test checks order, not the scheduler.</li>
 * </ul>
 * Any failure prints {@code FAIL ...} and exits 1.
 */
public final class SocketLockWorker {

    private SocketLockWorker() {
    }

    public static void main(String[] args) throws Exception {
        Path lockDir = Path.of(args[0]);
        Path workDir = Path.of(args[1]);
        SocketLockOptions options = SocketLockOptions.builder(lockDir)
                .staleSocketPolicy(StaleSocketPolicy.valueOf(args[2]))
                .build();
        String name = args[3];
        OccupancyMarker marker = new OccupancyMarker(workDir);
        String who = "pid-" + ProcessHandle.current().pid();
        try {
            switch (args[4]) {
                case "contend" -> contend(options, name, marker, who, Integer.parseInt(args[5]),
                        Integer.parseInt(args[6]));
                case "hold" -> hold(options, name, marker, workDir, args[5], args[6].equals("yes"));
                case "once" -> once(options, name, marker, args[5], Long.parseLong(args[6]));
                case "names" -> names(options, name, workDir, Integer.parseInt(args[5]));
                case "loop" -> loop(options, name, workDir, Integer.parseInt(args[5]));
                case "path" -> System.out.println("PATH " + new SocketLockBackend(options).socketPath(name));
                default -> throw new IllegalArgumentException("unknown role " + args[4]);
            }
        }
        catch (Throwable ex) {
            System.out.println("FAIL " + ex);
            ex.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        System.out.flush();
        System.exit(0);
    }

    private static void contend(SocketLockOptions options, String name, OccupancyMarker marker, String who,
            int threads, int rounds) throws Exception {
        LockRegistry registry = Slocket.socket(options);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        System.out.println("READY");
        for (int t = 0; t < threads; t++) {
            String me = who + "-t" + t;
            Thread worker = new Thread(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        try (HeldLock lock = registry.acquire(name, Duration.ofSeconds(60))) {
                            marker.enter(me, lock.fencingToken());
                            marker.exit();
                        }
                    }
                }
                catch (Throwable ex) {
                    synchronized (failures) {
                        failures.add(ex);
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("worker failed", failures.get(0));
        }
        System.out.println("DONE");
    }

    private static void hold(SocketLockOptions options, String name, OccupancyMarker marker, Path workDir, String id,
            boolean useMarker) throws Exception {
        LockRegistry registry = Slocket.socket(options);
        reportWaiting(registry, id);
        HeldLock lock = registry.acquire(name);
        if (useMarker) {
            marker.enter(id, lock.fencingToken());
        }
        System.out.println("HELD " + id + " " + lock.fencingToken());
        awaitFile(workDir.resolve("release-" + id));
        if (useMarker) {
            marker.exit();
        }
        lock.release();
        System.out.println("RELEASED " + id);
        awaitFile(workDir.resolve("exit-" + id));
    }

    private static void once(SocketLockOptions options, String name, OccupancyMarker marker, String id,
            long holdMillis) throws Exception {
        LockRegistry registry = Slocket.socket(options);
        reportWaiting(registry, id);
        try (HeldLock lock = registry.acquire(name)) {
            marker.enter(id, lock.fencingToken());
            System.out.println("ACQUIRED " + id + " " + lock.fencingToken());
            TimeUnit.MILLISECONDS.sleep(holdMillis);
            marker.exit();
        }
        System.out.println("RELEASED " + id);
    }

    private static void loop(SocketLockOptions options, String name, Path workDir, int rounds) throws Exception {
        long[] tokens = new long[rounds];
        try (LockRegistry registry = Slocket.registry(new SocketLockBackend(options, Duration.ofSeconds(1)))) {
            System.out.println("READY");
            awaitFile(workDir.resolve("go"));
            for (int i = 0; i < rounds; i++) {
                try (HeldLock lock = registry.acquire(name, Duration.ofSeconds(60))) {
                    tokens[i] = lock.fencingToken();
                }
            }
        }
        Files.write(workDir.resolve("tokens-" + ProcessHandle.current().pid()),
                Arrays.stream(tokens).mapToObj(Long::toString).toList());
        System.out.println("DONE");
    }

    private static void names(SocketLockOptions options, String name, Path workDir, int count) throws Exception {
        LockRegistry registry = Slocket.socket(options);
        Map<String, HeldLock> held = new HashMap<>();
        for (int i = 0; i < count; i++) {
            held.put("release-" + i, registry.acquire(name + "-" + i, Duration.ofSeconds(60)));
        }
        System.out.println("HELD " + count);
        while (!Files.exists(workDir.resolve("exit"))) {
            try (Stream<Path> files = Files.list(workDir)) {
                files.map(file -> held.remove(file.getFileName().toString())).filter(Objects::nonNull).forEach(lock -> {
                    lock.release();
                    System.out.println("RELEASED " + lock.name().substring(name.length() + 1));
                });
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    /** Prints {@code WAITING <id>} once the registry waits for the lock (it never does if the lock is free). */
    private static void reportWaiting(LockRegistry registry, String id) {
        Thread reporter = new Thread(() -> {
            try {
                while (registry.locks().stream().noneMatch(info -> info.state() == LockInfo.State.WAITING)) {
                    TimeUnit.MILLISECONDS.sleep(5);
                }
                System.out.println("WAITING " + id);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        reporter.setDaemon(true);
        reporter.start();
    }

    private static void awaitFile(Path file) throws InterruptedException {
        while (!Files.exists(file)) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }
}
