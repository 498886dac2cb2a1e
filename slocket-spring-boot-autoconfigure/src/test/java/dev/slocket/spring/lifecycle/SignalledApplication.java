package dev.slocket.spring.lifecycle;

import dev.slocket.annotation.Mutexed;
import dev.slocket.testing.WorkLog;

import java.time.Duration;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;

/**
 * A Spring Boot application for a child JVM: once started, a worker thread runs a {@code @Mutexed}
 * job on lock {@code ${job.lock}} that works until {@code ${job.work}} after the context began
 * to close ({@link WorkLog}). The test sends it SIGTERM while the job works; Spring's shutdown
 * hook closes the context.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class SignalledApplication {

    public static void main(String[] args) {
        System.setProperty("aws.accessKeyId", "local-identity");
        System.setProperty("aws.secretAccessKey", "local-credential");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SignalledApplication.class)
                .web(WebApplicationType.NONE).run(args);
        Job job = context.getBean(Job.class);
        Duration work = context.getEnvironment().getRequiredProperty("job.work", Duration.class);
        new Thread(() -> job.run(work), "worker").start();
    }

    @Bean
    Job job() {
        return new Job();
    }

    @Bean
    ApplicationListener<ContextClosedEvent> shutdownBegins() {
        return event -> WorkLog.shutdownBegins();
    }

    /** The work under the lock. */
    public static class Job {

        /** @param work how long it works once the context began to close */
        @Mutexed("${job.lock}")
        public void run(Duration work) {
            WorkLog.work(work);
        }
    }
}
