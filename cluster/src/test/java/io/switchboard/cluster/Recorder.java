package io.switchboard.cluster;

import io.switchboard.chat.ChatEvent;
import io.switchboard.chat.Member;
import io.switchboard.testkit.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A front's member with no socket: records what the hub delivers, for the hub-level tests. */
class Recorder implements Member {
  final List<ChatEvent> events = new CopyOnWriteArrayList<>();
  volatile String disconnectedFor;

  @Override
  public void deliver(ChatEvent event) {
    events.add(event);
  }

  @Override
  public long backlog() {
    return 0;
  }

  @Override
  public void disconnect(String reason) {
    disconnectedFor = reason;
  }

  /** The first event that matches, waiting up to 10 s for it. */
  <T extends ChatEvent> T await(Class<T> type, Predicate<T> matching) {
    try {
      Await.until(
          "a " + type.getSimpleName(),
          Duration.ofSeconds(10),
          () -> events.stream().anyMatch(e -> type.isInstance(e) && matching.test(type.cast(e))));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the last events: " + lastEvents(), e);
    }
    return events.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(matching)
        .findFirst()
        .orElseThrow();
  }

  private String lastEvents() {
    List<ChatEvent> all = List.copyOf(events);
    return all.subList(Math.max(0, all.size() - 8), all.size()).toString();
  }

  <T extends ChatEvent> List<T> all(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
