package dev.slocket.spring.shedlock;

import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * A child JVM: a Spring Boot application whose {@code @Scheduled} task is guarded by ShedLock on
 * the auto-configured {@link SlocketLockProvider} (socket backend in the directory of the first
 * argument). Prints {@code RUN <pid> <start millis> <end millis>} per run.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableScheduling
@EnableSchedulerLock(defaultLockAtMostFor = "10s")
@Import(TickApplication.Tick.class)
public class TickApplication {

    public static void main(String[] args) {
        new SpringApplicationBuilder(TickApplication.class).web(WebApplicationType.NONE)
                .run("--slocket.socket.directory=" + args[0]);
        System.out.println("READY");
    }

    static class Tick {

        @Scheduled(fixedRate = 500)
        @SchedulerLock(name = "tick", lockAtLeastFor = "400ms")
        public void tick() throws InterruptedException {
            long start = System.currentTimeMillis();
            Thread.sleep(50); // the task's work
            System.out.println("RUN " + ProcessHandle.current().pid() + " " + start + " " + System.currentTimeMillis());
        }
    }
}
