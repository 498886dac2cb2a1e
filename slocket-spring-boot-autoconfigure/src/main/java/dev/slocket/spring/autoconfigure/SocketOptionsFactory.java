package dev.slocket.spring.autoconfigure;

import dev.slocket.socket.SocketLockOptions;

import java.util.Locale;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Maps {@code slocket.socket.*} to {@link SocketLockOptions}, naming the property whose value
 * the options reject.
 */
final class SocketOptionsFactory {

    private static final String PREFIX = "slocket.socket.";

    private SocketOptionsFactory() {
    }

    static SocketLockOptions create(SlocketProperties.Socket socket) {
        SocketLockOptions.Builder builder = SocketLockOptions.builder(socket.getDirectory())
                .staleSocketPolicy(socket.getStaleSocketPolicy())
                .watchPollInterval(socket.getWatchPollInterval())
                .reconnectBackoff(socket.getReconnectBackoffMin(), socket.getReconnectBackoffMax())
                .backlog(socket.getBacklog())
                .directoryPermissions(socket.getDirectoryPermissions())
                .socketPermissions(socket.getSocketPermissions())
                .requirePeerSameUser(socket.isRequirePeerSameUser())
                .handoverMode(socket.getHandoverMode());
        try {
            return builder.build();
        }
        catch (IllegalArgumentException | NullPointerException ex) {
            throw invalid(socket, ex);
        }
    }

    /** The options name the offending option first ("watchPollInterval must be ..."): map it back. */
    private static InvalidConfigurationPropertyValueException invalid(SlocketProperties.Socket socket,
            RuntimeException ex) {
        String message = String.valueOf(ex.getMessage());
        String option = message.split(" ", 2)[0];
        BeanWrapper properties = new BeanWrapperImpl(socket);
        if (!properties.isReadableProperty(option)) {
            return new InvalidConfigurationPropertyValueException(PREFIX.substring(0, PREFIX.length() - 1), null,
                    message);
        }
        String kebab = option.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
        return new InvalidConfigurationPropertyValueException(PREFIX + kebab, properties.getPropertyValue(option),
                message);
    }
}
