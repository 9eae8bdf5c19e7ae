package io.switchboard.cluster;

import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatException.Code;
import io.switchboard.chat.RoomUpdate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The updates of one room on their way from this node to Redis, in the order the room decided them:
 * one script call for the room at a time, and what the room decides meanwhile waits here and goes
 * as the next call, consecutive messages ({@link Said}) together in one call that numbers them all.
 * Nagle's batching without his timer: an update that finds no call on its way goes at once, so a
 * quiet room waits for nothing, and a busy one pays one round trip, one script and one published
 * message per batch instead of per message.
 *
 * <p>Bounds: at most {@code limit} updates wait; past that an update is refused at once (as
 * Lettuce's full request queue refuses a command). A call that fails because the bus is unavailable
 * fails every update waiting behind it too, so none waits longer than the call's own timeout
 * ({@link io.switchboard.chat.ChatBus#TIMEOUT}).
 *
 * <p>Thread contract: {@link #offer} from any thread, also under a room's lock (it never waits);
 * the next call is made by whichever thread completed the last one (Lettuce's). An outbox whose
 * queue ran dry is retired (its owner makes a new one for the next update), so idle rooms keep
 * none.
 */
final class RoomOutbox {
  /** One update waiting, completed with its number in the room's order (0: it changed nothing). */
  record Pending(RoomUpdate update, String roomName, String onNode, CompletableFuture<Long> seq) {}

  private final int limit;
  private final int batchSize;
  private final Function<List<Pending>, CompletableFuture<Long>> send;
  private final Runnable retire;

  private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by this
  private boolean sending; // guarded by this
  private boolean retired; // guarded by this

  /**
   * @param send runs one call for a batch; completes with the first update's number (the others
   *     follow it one by one), or fails with the refusal every update of the batch hears
   * @param retire called (under this outbox's monitor) once its queue ran dry: forget it
   */
  RoomOutbox(
      int limit,
      int batchSize,
      Function<List<Pending>, CompletableFuture<Long>> send,
      Runnable retire) {
    this.limit = limit;
    this.batchSize = batchSize;
    this.send = send;
    this.retire = retire;
  }

  /**
   * Queues {@code pending} behind the room's earlier updates; returns its future, or {@code null}
   * if this outbox is retired (the caller takes a fresh one).
   */
  CompletableFuture<Long> offer(Pending pending) {
    synchronized (this) {
      if (retired) {
        return null;
      }
      if (queue.size() >= limit) {
        return CompletableFuture.failedFuture(
            new ChatException(
                Code.BUS_UNAVAILABLE,
                "the chat's bus (Redis) is unavailable (too many updates of the room waiting for"
                    + " it); try again in a moment"));
      }
      queue.add(pending);
      if (sending) {
        return pending.seq();
      }
      sending = true;
    }
    sendNext();
    return pending.seq();
  }

  /** Sends the head of the queue: one update, or a run of messages as one batch. */
  private void sendNext() {
    List<Pending> batch = new ArrayList<>();
    synchronized (this) {
      batch.add(queue.poll());
      if (batch.get(0).update() instanceof Said) {
        while (batch.size() < batchSize
            && !queue.isEmpty()
            && queue.peek().update() instanceof Said) {
          batch.add(queue.poll());
        }
      }
    }
    send.apply(batch).whenComplete((first, error) -> done(batch, first, error));
  }

  private void done(List<Pending> batch, Long first, Throwable error) {
    List<Pending> failed = batch;
    if (error == null) {
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).seq().complete(first == 0 ? 0 : first + i);
      }
      failed = List.of();
    } else if (unavailable(error)) {
      failed = new ArrayList<>(batch);
      synchronized (this) {
        failed.addAll(queue); // would wait behind a bus that is not there: told now
        queue.clear();
      }
    }
    for (Pending pending : failed) {
      pending.seq().completeExceptionally(error);
    }
    synchronized (this) {
      if (queue.isEmpty()) {
        sending = false;
        retired = true;
        retire.run();
        return;
      }
    }
    sendNext();
  }

  private static boolean unavailable(Throwable error) {
    return LuaScript.unwrap(error) instanceof ChatException refusal
        && refusal.code() == Code.BUS_UNAVAILABLE;
  }
}
