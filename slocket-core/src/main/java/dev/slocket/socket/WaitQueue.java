package dev.slocket.socket;

import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;

/**
 * An arbiter's FIFO of waiters: connections of other processes, {@link LocalWaiter}s of this
 * process, and at most one {@link KeptPlace}. Not thread-safe: the arbiter's lock guards it.
 */
final class WaitQueue {

    private final LinkedList<Object> waiters = new LinkedList<>();

    private KeptPlace kept;

    /** A connection of another process takes the place kept, if one still is, or else goes to the back. */
    void addConnection(SocketChannel client, long now) {
        if (kept != null && !kept.isExpired(now)) {
            waiters.set(waiters.indexOf(kept), client);
            kept = null;
        }
        else {
            waiters.add(client);
        }
    }

    void addLocal(LocalWaiter waiter) {
        waiters.add(waiter);
    }

    /** Keeps a place at the back until {@code expiresAt} ({@link System#nanoTime()}), instead of any kept before. */
    void keepPlace(long expiresAt) {
        dropKeptPlace();
        kept = new KeptPlace(expiresAt);
        waiters.add(kept);
    }

    void dropKeptPlace() {
        if (kept != null) {
            waiters.remove(kept);
            kept = null;
        }
    }

    /** @return the place kept, or {@code null} */
    KeptPlace keptPlace() {
        return kept;
    }

    /**
     * @return the longest waiter, removed from the queue; {@code null} if there is none, or if a place
     *         still kept comes first (the lock then stays free until it is taken or expires)
     */
    Object next(long now) {
        if (waiters.peek() == kept && kept != null) {
            if (!kept.isExpired(now)) {
                return null;
            }
            dropKeptPlace();
        }
        return waiters.poll();
    }

    /** @return the longest waiter (or kept place), not removed */
    Object peek() {
        return waiters.peek();
    }

    boolean remove(Object waiter) {
        return waiters.remove(waiter);
    }

    boolean contains(Object waiter) {
        return waiters.contains(waiter);
    }

    boolean isEmpty() {
        return waiters.isEmpty();
    }

    /** @return the connections of other processes, in order */
    List<SocketChannel> connections() {
        List<SocketChannel> connections = new ArrayList<>();
        for (Object waiter : waiters) {
            if (waiter instanceof SocketChannel client) {
                connections.add(client);
            }
        }
        return connections;
    }

    /** @return every waiter in order (no kept place); the queue is empty afterwards */
    List<Object> drain() {
        dropKeptPlace();
        List<Object> all = new ArrayList<>(waiters);
        waiters.clear();
        return all;
    }
}
