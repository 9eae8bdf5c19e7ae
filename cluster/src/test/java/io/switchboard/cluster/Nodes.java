package io.switchboard.cluster;

import io.switchboard.chat.ChatEvent.Joined;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatHub;
import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.Origin;
import io.switchboard.chat.Session;
import java.util.ArrayList;
import java.util.List;

/**
 * The hubs of one test sharing one Redis, each with a bus of its own, all left when the test ends:
 * the nodes of the hub-level tests.
 *
 * <p>Thread contract: the test's thread.
 */
final class Nodes implements AutoCloseable {
  private final String redis;
  private final List<RedisBus> buses = new ArrayList<>();

  Nodes(String redis) {
    this.redis = redis;
  }

  ChatHub node() {
    return node(ClusterSettings.of(redis), ChatSettings.DEFAULT);
  }

  ChatHub node(ChatSettings chat) {
    return node(ClusterSettings.of(redis), chat);
  }

  ChatHub node(ClusterSettings settings) {
    return node(settings, ChatSettings.DEFAULT);
  }

  private ChatHub node(ClusterSettings settings, ChatSettings chat) {
    RedisBus bus = RedisBus.connect(settings, chat);
    buses.add(bus);
    return new ChatHub(chat, bus);
  }

  /** The bus of the {@code index}th node made. */
  RedisBus bus(int index) {
    return buses.get(index);
  }

  /** Alice on one new node and Bob on another, both in #dev, each seeing the other there. */
  Pair pairInDev() throws ChatException {
    ChatHub one = node();
    ChatHub two = node();
    Recorder alice = new Recorder();
    Recorder bob = new Recorder();
    Session a = one.connectAs(alice, "alice", Origin.UNKNOWN);
    Session b = two.connectAs(bob, "bob", Origin.UNKNOWN);
    a.join("dev");
    b.join("dev");
    alice.await(Joined.class, j -> j.name().equals("bob"));
    return new Pair(one, two, alice, bob, a, b);
  }

  /** Two members of #dev on two nodes: the hubs, what each member heard, and their sessions. */
  record Pair(ChatHub one, ChatHub two, Recorder alice, Recorder bob, Session a, Session b) {}

  @Override
  public void close() {
    buses.forEach(RedisBus::close);
  }
}
