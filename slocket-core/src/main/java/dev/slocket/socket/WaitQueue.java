package dev.slocket.socket;

import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;

/**
 * An arbiter's FIFO of waiters: connections of other processes, {@link LocalWaiter}s of this
 * process, at most one {@link KeptPlace} for a connection and at most one for this process. Not
 * thread-safe: the arbiter's lock guards it.
 */
final class WaitQueue {

    private final LinkedList<Object> waiters = new LinkedList<>();

    /** Kept for the process whose connection released last. */
    private KeptPlace kept;

    /** Kept for this process, which released and handed over. */
    private KeptPlace keptHere;

    /** The connection that took the last place kept for a connection, while it waits. */
    private SocketChannel tookKeptPlace;

    /** When that place had been kept. */
    private long tookKeptPlaceAt;

    /** A connection of another process takes the place kept, if one still is, or else goes to the back. */
    void addConnection(SocketChannel client, long now) {
        dropExpired(now);
        if (kept != null) {
            waiters.set(waiters.indexOf(kept), client);
            tookKeptPlace = client;
            tookKeptPlaceAt = kept.keptAt();
            kept = null;
        }
        else {
            waiters.add(client);
        }
    }

    /**
     * A thread of this process takes the place kept for it, if one still is; or else it goes ahead of
     * a place kept for a grantee whose release was noticed after the thread asked (and of the
     * connection that took that place), since it asked first; or else to the back.
     *
     * @param askedAt {@link System#nanoTime()} when the thread's acquisition began
     */
    void addLocal(LocalWaiter waiter, long now, long askedAt) {
        dropExpired(now);
        if (keptHere != null) {
            waiters.set(waiters.indexOf(keptHere), waiter);
            keptHere = null;
            return;
        }
        int ahead = placeKeptAfter(askedAt);
        if (ahead >= 0) {
            waiters.add(ahead, waiter);
        }
        else {
            waiters.add(waiter);
        }
    }

    /** @return where the place kept after {@code askedAt} (or whoever took it) stands; -1 if none */
    private int placeKeptAfter(long askedAt) {
        if (kept != null && kept.keptAt() - askedAt > 0) {
            return waiters.indexOf(kept);
        }
        if (tookKeptPlace != null && tookKeptPlaceAt - askedAt > 0) {
            return waiters.indexOf(tookKeptPlace);
        }
        return -1;
    }

    /** Keeps a place at the back from {@code now} until {@code expiresAt} ({@link System#nanoTime()}), instead of any kept before. */
    void keepPlace(long now, long expiresAt) {
        dropKeptPlace();
        kept = new KeptPlace(now, expiresAt);
        waiters.add(kept);
    }

    /** Keeps a place at the back for this process until {@code expiresAt}, instead of any kept before. */
    void keepPlaceHere(long now, long expiresAt) {
        if (keptHere != null) {
            waiters.remove(keptHere);
        }
        keptHere = new KeptPlace(now, expiresAt);
        waiters.add(keptHere);
    }

    void dropKeptPlace() {
        if (kept != null) {
            waiters.remove(kept);
            kept = null;
        }
    }

    /** @return the place kept for a connection, or {@code null} */
    KeptPlace keptPlace() {
        return kept;
    }

    /** @return whether the place kept for this process came first, unexpired: this process may take the lock now */
    boolean takeKeptPlaceHereIfFirst(long now) {
        if (keptHere == null || waiters.peek() != keptHere || keptHere.isExpired(now)) {
            return false;
        }
        waiters.poll();
        keptHere = null;
        return true;
    }

    /**
     * @return the longest waiter, removed from the queue; {@code null} if there is none, or if a place
     *         still kept comes first (the lock then stays free until it is taken or expires)
     */
    Object next(long now) {
        while (waiters.peek() instanceof KeptPlace first) {
            if (!first.isExpired(now)) {
                return null;
            }
            drop(first);
        }
        return forget(waiters.poll());
    }

    /** @return the place kept that comes first, or {@code null} */
    KeptPlace keptPlaceFirst() {
        return (waiters.peek() instanceof KeptPlace first) ? first : null;
    }

    /** @return the longest waiter (or kept place), not removed */
    Object peek() {
        return waiters.peek();
    }

    boolean remove(Object waiter) {
        forget(waiter);
        return waiters.remove(waiter);
    }

    /** @return {@code waiter}, which leaves the queue */
    private Object forget(Object waiter) {
        if (waiter != null && waiter == tookKeptPlace) {
            tookKeptPlace = null;
        }
        return waiter;
    }

    /** @return whether a connection or local waiter waits (kept places alone are nobody yet) */
    boolean hasWaiter() {
        return waiters.size() > (kept == null ? 0 : 1) + (keptHere == null ? 0 : 1);
    }

    boolean isEmpty() {
        return waiters.isEmpty();
    }

    /** @return every waiter in order (no kept place); the queue is empty afterwards */
    List<Object> drain() {
        dropKeptPlace();
        if (keptHere != null) {
            drop(keptHere);
        }
        List<Object> all = new ArrayList<>(waiters);
        waiters.clear();
        tookKeptPlace = null;
        return all;
    }

    /** A place kept no longer holds anyone's turn: a waiter that comes now must not queue behind it. */
    private void dropExpired(long now) {
        if (kept != null && kept.isExpired(now)) {
            drop(kept);
        }
        if (keptHere != null && keptHere.isExpired(now)) {
            drop(keptHere);
        }
    }

    private void drop(KeptPlace place) {
        waiters.remove(place);
        if (place == kept) {
            kept = null;
        }
        if (place == keptHere) {
            keptHere = null;
        }
    }
}
