package dev.slocket.spring.actuate;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** A small web application with one {@code @Mutexed} service, for the Actuator tests. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class OpsTestApplication {

    @Bean
    GateService gateService() {
        return new GateService();
    }
}
