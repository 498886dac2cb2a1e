package dev.slocket.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Brings slocket into a test: imports its auto-configuration (also into slices such as
 * {@code @WebMvcTest}, {@code @DataJpaTest} or {@code @JsonTest}, which leave it out), provides a
 * {@link TestLocks} bean, and makes every registry of the test (the primary one and each
 * {@code slocket.registries.<id>}) use the {@link #backend() backend} given here, {@code memory}
 * unless set otherwise. Lock state is reset after each test method.
 *
 * <pre>{@code
 * @WebMvcTest(ReportController.class)
 * @AutoConfigureSlocket
 * class ReportControllerTests {
 *     @Autowired TestLocks locks;
 *     ...
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureSlocket {

    /**
     * The backend of every registry in the test: {@code memory} (the default), {@code socket},
     * {@code file} or {@code s3} (configured through {@code slocket.*} as usual). Empty keeps the
     * backends the application configures.
     *
     * @return the backend
     */
    String backend() default "memory";
}
