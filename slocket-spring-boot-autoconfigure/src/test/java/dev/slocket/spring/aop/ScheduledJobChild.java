package dev.slocket.spring.aop;

import dev.slocket.LockContext;
import dev.slocket.annotation.Mutexed;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * A child JVM with a {@code @Scheduled} job that must run once per period across processes:
 * every 100 ms it tries the lock once and, when it gets it, appends its pid and the time of the
 * acquisition to a shared file. Arguments: lock directory, run file, {@code holdAtLeast}.
 */
public final class ScheduledJobChild {

    private ScheduledJobChild() {
    }

    public static void main(String[] args) {
        new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("slocket.backend=socket", "slocket.socket.directory=" + args[0], "runs=" + args[1],
                        "hold-at-least=" + args[2], "spring.main.banner-mode=off")
                .run();
        System.out.println("started");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    @ImportAutoConfiguration({ AopAutoConfiguration.class, SlocketAutoConfiguration.class })
    static class App {

        @Bean
        Job job(org.springframework.core.env.Environment environment) {
            return new Job(Path.of(environment.getRequiredProperty("runs")));
        }
    }

    public static class Job {

        private final Path runs;

        Job(Path runs) {
            this.runs = runs;
        }

        @Scheduled(fixedRate = 100)
        @Mutexed(value = "once-per-period", waitFor = "0", onTimeout = Mutexed.OnTimeout.SKIP,
                holdAtLeast = "${hold-at-least}")
        public void run() {
            String line = ProcessHandle.current().pid() + " " + LockContext.current().acquiredAt().toEpochMilli() + "\n";
            try {
                Files.writeString(runs, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }
}
