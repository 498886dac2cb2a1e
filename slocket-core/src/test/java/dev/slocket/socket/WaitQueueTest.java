package dev.slocket.socket;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order of an arbiter's queue: a thread of the arbiter's process counts from when it asked,
 * so a place kept for a grantee whose release was noticed later, and the connection that took
 * that place, stand behind it.
 */
class WaitQueueTest {

    private static final long KEEP = 2_000_000;

    private final WaitQueue queue = new WaitQueue();

    private final SocketChannel connection;

    WaitQueueTest() throws IOException {
        connection = SocketChannel.open(StandardProtocolFamily.UNIX);
    }

    @AfterEach
    void close() throws IOException {
        connection.close();
    }

    @Test
    void aThreadThatAskedBeforeAReleaseWasNoticedGoesAheadOfThePlaceKeptForIt() {
        LocalWaiter waiter = new LocalWaiter(true);
        queue.keepPlace(1_000, 1_000 + KEEP);

        queue.addLocal(waiter, 1_100, 900);
        queue.addConnection(connection, 1_200);

        assertThat(queue.next(1_300)).isSameAs(waiter);
        assertThat(queue.next(1_300)).isSameAs(connection);
    }

    @Test
    void aThreadThatAskedBeforeAReleaseWasNoticedGoesAheadOfTheConnectionThatTookThePlace() {
        LocalWaiter waiter = new LocalWaiter(true);
        queue.keepPlace(1_000, 1_000 + KEEP);
        queue.addConnection(connection, 1_050);

        queue.addLocal(waiter, 1_100, 900);

        assertThat(queue.next(1_300)).isSameAs(waiter);
        assertThat(queue.next(1_300)).isSameAs(connection);
    }

    @Test
    void aThreadThatAskedAfterTheReleaseWasNoticedQueuesBehindThePlaceKept() {
        LocalWaiter waiter = new LocalWaiter(true);
        queue.keepPlace(1_000, 1_000 + KEEP);

        queue.addLocal(waiter, 1_100, 1_050);
        assertThat(queue.next(1_200)).as("the place kept comes first and is not taken yet").isNull();
        queue.addConnection(connection, 1_200);

        assertThat(queue.next(1_300)).isSameAs(connection);
        assertThat(queue.next(1_300)).isSameAs(waiter);
    }

    @Test
    void aConnectionThatTookAPlaceAndWasGrantedNoLongerStandsForIt() {
        LocalWaiter first = new LocalWaiter(true);
        LocalWaiter later = new LocalWaiter(true);
        queue.keepPlace(1_000, 1_000 + KEEP);
        queue.addConnection(connection, 1_050);
        assertThat(queue.next(1_060)).isSameAs(connection);

        queue.addLocal(first, 1_100, 1_070);
        queue.addLocal(later, 1_110, 900);

        assertThat(queue.next(1_300)).isSameAs(first);
        assertThat(queue.next(1_300)).isSameAs(later);
    }
}
