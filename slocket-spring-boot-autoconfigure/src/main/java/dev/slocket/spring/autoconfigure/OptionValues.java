package dev.slocket.spring.autoconfigure;

import java.util.Locale;
import java.util.function.Supplier;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Builds a backend's options from its properties group and, when the options reject a value,
 * reports it under the property's name. Options name the offending option first
 * ("watchPollInterval must be ..."), which maps back to {@code <prefix>.watch-poll-interval}.
 */
final class OptionValues {

    private OptionValues() {
    }

    /**
     * @param prefix the properties group, e.g. {@code slocket.socket}
     * @param properties the bound group
     * @param build builds the options from the group
     * @param <T> the options type
     * @return the options
     * @throws InvalidConfigurationPropertyValueException naming the property the options rejected
     */
    static <T> T build(String prefix, Object properties, Supplier<T> build) {
        try {
            return build.get();
        }
        catch (IllegalArgumentException | NullPointerException ex) {
            throw invalid(prefix, properties, ex);
        }
    }

    private static InvalidConfigurationPropertyValueException invalid(String prefix, Object properties,
            RuntimeException ex) {
        String message = String.valueOf(ex.getMessage());
        String option = message.split(" ", 2)[0];
        BeanWrapper wrapper = new BeanWrapperImpl(properties);
        if (!wrapper.isReadableProperty(option)) {
            return new InvalidConfigurationPropertyValueException(prefix, null, message);
        }
        String kebab = option.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
        return new InvalidConfigurationPropertyValueException(prefix + "." + kebab, wrapper.getPropertyValue(option),
                message);
    }
}
