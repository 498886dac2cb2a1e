package dev.slocket.socket;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Deque;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Selectors that local waiters block in, reused: opening and closing one costs several system
 * calls, which would otherwise fall between a release and the next holder's return. At most
 * {@value #MAX_IDLE} idle ones are kept.
 */
final class WaitSelectors {

    private static final Logger log = LoggerFactory.getLogger(WaitSelectors.class);

    private static final int MAX_IDLE = 4;

    private static final Deque<Selector> IDLE = new ArrayDeque<>();

    private WaitSelectors() {
    }

    /** @return a selector with no live registrations and no pending wake-up */
    static Selector take() throws IOException {
        Selector selector;
        synchronized (IDLE) {
            selector = IDLE.poll();
        }
        if (selector == null) {
            return Selector.open();
        }
        // drops the registrations cancelled at its last use, and a wake-up that arrived after it
        selector.selectNow();
        selector.selectedKeys().clear();
        return selector;
    }

    /** Cancels the selector's registrations and keeps it for the next waiter, or closes it. */
    static void give(Selector selector) {
        for (SelectionKey key : selector.keys()) {
            key.cancel();
        }
        synchronized (IDLE) {
            if (IDLE.size() < MAX_IDLE) {
                IDLE.push(selector);
                return;
            }
        }
        try {
            selector.close();
        }
        catch (IOException ex) {
            log.trace("Closing a wait selector failed", ex);
        }
    }
}
