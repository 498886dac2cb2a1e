package dev.slocket.test.sample;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A small application whose code locks, for the tests of the test support. */
@SpringBootApplication
public class SampleApplication {
}
