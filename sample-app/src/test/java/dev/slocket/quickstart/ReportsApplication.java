package dev.slocket.quickstart;

import dev.slocket.LockContext;
import dev.slocket.annotation.Mutexed;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

// README.md's Quick start, word for word below the imports (QuickStartTests checks both ways).
@SpringBootApplication
@EnableScheduling
public class ReportsApplication {

    public static void main(String[] args) {
        SpringApplication.run(ReportsApplication.class, args);
    }
}

@Component
class ReportJob {

    private static final Logger log = LoggerFactory.getLogger(ReportJob.class);

    @Scheduled(fixedDelay = 1000)
    @Mutexed("report")
    public void build() throws InterruptedException {
        long token = LockContext.current().fencingToken();   // pass it to the store you protect
        log.info("Building the report with fencing token {}", token);
        Thread.sleep(3000);                                  // the work
    }
}
