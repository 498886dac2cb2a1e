package dev.slocket.spring.aop;

import dev.slocket.annotation.Mutexed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Virtual threads in {@code @Mutexed} methods: all of them finish, and no library frame pins a
 * carrier while it waits (JFR's {@code jdk.VirtualThreadPinned}).
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class MutexedVirtualThreadTests {

    private static final int THREADS = 10_000;

    private final ApplicationContextRunner runner = Runners.memory().withUserConfiguration(Beans.class)
            .withPropertyValues("spring.threads.virtual.enabled=true");

    @Test
    void tenThousandVirtualThreadsOnSharedAndDistinctNamesFinishWithoutPinning(@TempDir Path dir) {
        runner.run(context -> {
            Counters counters = context.getBean(Counters.class);
            // a class initialised for the first time under contention pins its waiters (the JVM's own
            // initialisation lock, whatever the library does): the path is warmed once, unrecorded
            runOnVirtualThreads(counters);
            List<RecordedEvent> pinned;
            try (Recording recording = new Recording()) {
                recording.enable("jdk.VirtualThreadPinned").withThreshold(java.time.Duration.ZERO).withStackTrace();
                recording.start();
                runOnVirtualThreads(counters);
                recording.stop();
                Path dump = dir.resolve("pinned.jfr");
                recording.dump(dump);
                pinned = RecordingFile.readAllEvents(dump);
            }
            assertThat(counters.counts()).containsExactly(THREADS, THREADS, 0);
            assertThat(pinned.stream().filter(MutexedVirtualThreadTests::raisedByTheLibrary).map(RecordedEvent::toString))
                    .isEmpty();
            assertThat(Files.exists(dir.resolve("pinned.jfr"))).isTrue();
        });
    }

    private static void runOnVirtualThreads(Counters counters) throws Exception {
        // compiled for Java 17: the virtual-thread executor is looked up at run time
        ExecutorService executor = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                int id = i;
                calls.add(executor.submit(() -> {
                    if (id % 2 == 0) {
                        counters.shared();
                    }
                    else {
                        counters.distinct(id);
                    }
                }));
            }
            for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
    }

    private static boolean raisedByTheLibrary(RecordedEvent event) {
        return event.getStackTrace() != null && event.getStackTrace().getFrames().stream()
                .map(RecordedFrame::getMethod).anyMatch(method -> method.getType().getName().startsWith("dev.slocket."));
    }

    public static class Counters {

        private final AtomicInteger shared = new AtomicInteger();

        private final AtomicInteger distinct = new AtomicInteger();

        private final AtomicInteger overlaps = new AtomicInteger();

        private final AtomicInteger inside = new AtomicInteger();

        /** @return calls of {@link #shared()}, of {@link #distinct(int)}, and overlaps seen in {@link #shared()} */
        public List<Integer> counts() {
            return List.of(shared.get(), distinct.get(), overlaps.get());
        }

        @Mutexed("virtual-shared")
        public void shared() {
            if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            Thread.yield();
            shared.incrementAndGet();
            inside.decrementAndGet();
        }

        @Mutexed("virtual-#{#id}")
        public void distinct(int id) {
            Thread.yield();
            distinct.incrementAndGet();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        Counters counters() {
            return new Counters();
        }
    }
}
