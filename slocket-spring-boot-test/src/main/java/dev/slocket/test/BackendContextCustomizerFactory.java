package dev.slocket.test;

import java.util.List;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives a test class with {@link AutoConfigureSlocket} the backend its annotation names, for the
 * primary registry and every named one.
 */
final class BackendContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        AutoConfigureSlocket annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
                AutoConfigureSlocket.class);
        if (annotation == null || annotation.backend().isEmpty()) {
            return null;
        }
        return new BackendContextCustomizer(annotation.backend());
    }
}
