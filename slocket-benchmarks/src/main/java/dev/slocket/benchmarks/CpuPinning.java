package dev.slocket.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Two CPUs this process may run on, and the {@code taskset} prefix that pins a child JVM to one of
 * them: a round trip between two processes takes one of two times on this machine, by whether the
 * scheduler put both on one CPU or not (docs/benchmarks.md, "Which round trip").
 *
 * @param taskset the {@code taskset} executable
 * @param first the first allowed CPU
 * @param second the second allowed CPU
 */
record CpuPinning(Path taskset, int first, int second) {

    private static final Pattern RANGE = Pattern.compile("(\\d+)(?:-(\\d+))?");

    /** @return the pinning, if {@code taskset} is on the path and this process may use two CPUs */
    static Optional<CpuPinning> available() throws IOException {
        Optional<Path> taskset = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(directory -> Path.of(directory, "taskset")).filter(Files::isExecutable).findFirst();
        Path status = Path.of("/proc/self/status");
        if (taskset.isEmpty() || !Files.isReadable(status)) {
            return Optional.empty();
        }
        List<Integer> cpus = new ArrayList<>();
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("Cpus_allowed_list:")) {
                Matcher range = RANGE.matcher(line);
                while (range.find() && cpus.size() < 2) {
                    int from = Integer.parseInt(range.group(1));
                    int to = range.group(2) == null ? from : Integer.parseInt(range.group(2));
                    for (int cpu = from; cpu <= to && cpus.size() < 2; cpu++) {
                        cpus.add(cpu);
                    }
                }
            }
        }
        return cpus.size() < 2 ? Optional.empty() : Optional.of(new CpuPinning(taskset.get(), cpus.get(0), cpus.get(1)));
    }

    /** @return the command prefix that runs a child on the first CPU alone */
    List<String> onFirst() {
        return on(first);
    }

    /** @return the command prefix that runs a child on the second CPU alone */
    List<String> onSecond() {
        return on(second);
    }

    private List<String> on(int cpu) {
        return List.of(taskset.toString(), "-c", Integer.toString(cpu));
    }
}
