package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.chat.ChatEvent.Entered;
import io.switchboard.chat.ChatEvent.History;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatEvent.TopicChanged;
import io.switchboard.chat.ChatEvent.Whispered;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatHub;
import io.switchboard.chat.Origin;
import io.switchboard.chat.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hubs sharing rooms and names through one real Redis, with no socket: the bus's semantics. */
class ClusterHubTest {
  private static RedisServer redis;
  private Nodes nodes;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @BeforeEach
  void makeNodes() {
    nodes = new Nodes(redis.uri());
  }

  @AfterEach
  void closeNodes() {
    nodes.close();
  }

  private ChatHub node() {
    return nodes.node();
  }

  @Test
  void membersOfTwoNodesShareARoom() throws Exception {
    Nodes.Pair pair = nodes.pairInDev();
    ChatHub one = pair.one();
    ChatHub two = pair.two();
    Recorder alice = pair.alice();
    Recorder bob = pair.bob();
    assertThat(bob.await(Entered.class, e -> e.room().equals("dev")).members())
        .containsExactly("alice", "bob");
    pair.b().say("hello from two");
    assertThat(alice.await(Said.class, s -> s.from().equals("bob")).text())
        .isEqualTo("hello from two");
    assertThat(one.who("dev")).containsExactly("alice", "bob");
    assertThat(two.who("dev")).containsExactly("alice", "bob");
    assertThat(one.rooms()).contains(new ChatHub.RoomCount("dev", 2));
    assertThat(two.rooms()).contains(new ChatHub.RoomCount("dev", 2));
  }

  @Test
  void namesAreUniqueAcrossNodesAndPrivateMessagesCrossThem() throws Exception {
    ChatHub one = node();
    ChatHub two = node();
    Recorder alice = new Recorder();
    Recorder bob = new Recorder();
    Session a = one.connectAs(alice, "alice", Origin.UNKNOWN);
    two.connectAs(bob, "bob", Origin.UNKNOWN);
    assertThatThrownBy(() -> two.connectAs(new Recorder(), "ALICE", Origin.UNKNOWN))
        .isInstanceOfSatisfying(
            ChatException.class,
            e -> assertThat(e.code()).isEqualTo(ChatException.Code.NAME_TAKEN));
    assertThat(two.isNameTaken("Alice")).isTrue();
    a.whisper("BOB", "psst");
    Whispered got = bob.await(Whispered.class, w -> w.text().equals("psst"));
    assertThat(got.to()).isEqualTo("bob");
    assertThat(alice.await(Whispered.class, w -> w.text().equals("psst")).to()).isEqualTo("bob");
  }

  @Test
  void historyTopicsAndModesAreTheRoomsOnEveryNode() throws Exception {
    ChatHub one = node();
    Recorder alice = new Recorder();
    Session a = one.connectAs(alice, "alice", Origin.UNKNOWN);
    a.join("ops");
    a.say("first");
    a.say("second");
    a.setTopic("ops", "deploys only");
    alice.await(TopicChanged.class, t -> true);
    ChatHub two = node();
    Recorder bob = new Recorder();
    Session b = two.connectAs(bob, "bob", Origin.UNKNOWN);
    b.join("ops");
    assertThat(bob.await(Entered.class, e -> true).topic().text()).isEqualTo("deploys only");
    b.history("ops", 10);
    assertThat(bob.await(History.class, h -> true).messages())
        .extracting(Said::text)
        .containsExactly("first", "second");
    assertThat(b.view("ops").settings().topicLocked()).isTrue();
  }
}
