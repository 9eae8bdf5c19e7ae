package io.switchboard.chat;

import io.switchboard.chat.ChatEvent.Whispered;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bus of a hub that runs alone, the default: each room's lock is its order and a room applies
 * its changes itself, at once ({@link #commit} returns {@code null}); names are the hub's own. So a
 * hub without a shared bus runs exactly the code, and pays exactly the cost, it always did.
 *
 * <p>Thread contract: any thread.
 */
public final class LocalBus implements ChatBus {
  private final AtomicLong guests = new AtomicLong();

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  public void attach(Node node) {}

  @Override
  public void requireAvailable() {}

  @Override
  public CompletableFuture<Void> commit(RoomReplica room, RoomUpdate update) {
    return null; // the room's lock is the order: the room applies it now
  }

  @Override
  public void follow(RoomReplica room) {
    throw new UnsupportedOperationException("a hub alone keeps its rooms itself");
  }

  @Override
  public void unfollow(RoomReplica room) {}

  @Override
  public RoomState peek(String room) {
    return null;
  }

  @Override
  public List<ChatHub.RoomCount> rooms() {
    throw new UnsupportedOperationException("a hub alone lists its rooms itself");
  }

  @Override
  public String guestName() {
    return "guest-" + guests.incrementAndGet();
  }

  @Override
  public void claim(Profile profile) {}

  @Override
  public void rename(String oldName, Profile profile) {}

  @Override
  public void release(String name) {}

  @Override
  public Profile profile(String name) {
    return null;
  }

  @Override
  public void describe(Profile profile) {}

  @Override
  public Profile whisper(Whispered message) throws ChatException {
    throw new ChatException(ChatException.Code.NO_SUCH_NAME, "nobody is called " + message.to());
  }

  @Override
  public void close() {}
}
