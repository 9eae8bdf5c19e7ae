package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.chat.ChatBus;
import io.switchboard.chat.ChatEvent;
import io.switchboard.chat.ChatEvent.Failed;
import io.switchboard.chat.ChatEvent.Joined;
import io.switchboard.chat.ChatEvent.Missed;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatException.Code;
import io.switchboard.chat.ChatHub;
import io.switchboard.chat.Origin;
import io.switchboard.chat.Session;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LineClient;
import io.switchboard.testkit.ModelVariant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the bus does when Redis fails or a node falls behind, with a Redis each test owns (killed,
 * restarted with or without its data): connections kept, the bus refused within 2 s, order kept,
 * nothing twice, and a notice where something was lost.
 */
class ClusterFailureTest {
  /** The bus's 2 s, and what measuring it costs on a busy machine. */
  private static final Duration WITHIN = ChatBus.TIMEOUT.plusMillis(500);

  private RedisServer redis;
  private Nodes nodes;

  @BeforeEach
  void startRedis() throws Exception {
    redis = RedisServer.start();
    nodes = new Nodes(redis.uri());
  }

  @AfterEach
  void stop() throws Exception {
    nodes.close();
    redis.close();
  }

  private ChatHub node() {
    return nodes.node();
  }

  /** The texts of the room messages a member received, in order. */
  private static List<String> heard(Recorder member, String room) {
    return member.all(Said.class).stream()
        .filter(s -> s.room().equals(room))
        .map(Said::text)
        .toList();
  }

  @Test
  void whileRedisIsDownTheBusIsRefusedAtOnceAndTheConnectionsStay() throws Exception {
    ChatHub one = node();
    Recorder alice = new Recorder();
    Session a = one.connectAs(alice, "alice", Origin.UNKNOWN);
    a.join("dev");
    redis.kill();
    // A message is not waited for: refused at once once the node knows Redis is gone, or told
    // to its sender (Failed) if it left before; either way within 2 s.
    long start = System.nanoTime();
    if (tries(() -> a.say("anyone?"))) {
      Failed failed = alice.await(Failed.class, f -> "dev".equals(f.room()));
      assertThat(failed.error().code()).isEqualTo(Code.BUS_UNAVAILABLE);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WITHIN);
    for (ThrowingRunnable needsTheBus :
        List.<ThrowingRunnable>of(
            () -> a.say("still anyone?"),
            () -> a.join("ops"),
            () -> a.rename("alicia"),
            () -> one.rooms(),
            () -> one.who("dev"))) {
      long each = System.nanoTime();
      assertThatThrownBy(needsTheBus::run)
          .isInstanceOfSatisfying(
              ChatException.class, e -> assertThat(e.code()).isEqualTo(Code.BUS_UNAVAILABLE));
      assertThat(Duration.ofNanos(System.nanoTime() - each)).isLessThan(WITHIN);
    }
    assertThat(alice.disconnectedFor).isNull();
    assertThat(a.currentRoom()).isEqualTo("dev"); // nothing changed on this node alone
    redis.restart(true);
    Await.until("the bus back", Duration.ofSeconds(10), () -> tries(() -> a.say("back")));
  }

  @Test
  void aLineClientIsToldBusUnavailableWithinTwoSecondsAndTalksAgainOnceRedisIsBack()
      throws Exception {
    ModelVariant model =
        ModelVariant.defaults().filter(ModelVariant::concurrent).findFirst().orElseThrow();
    Server server = model.start(ChatServer.application(node()), Limits.DEFAULT, 2);
    try (LineClient alice = LineClient.connect(server.localAddress());
        LineClient bob = LineClient.connect(server.localAddress())) {
      alice.until(line -> line.startsWith("= joined #lobby"));
      bob.until(line -> line.startsWith("= joined #lobby"));
      redis.kill();
      long start = System.nanoTime();
      alice.send("anyone there?");
      assertThat(alice.expectPrefix("! bus-unavailable ")).contains("(Redis) is unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WITHIN);
      bob.send("/rooms");
      bob.expectPrefix("! bus-unavailable ");
      redis.restart(true);
      Await.until(
          "the bus back for alice, still connected",
          Duration.ofSeconds(10),
          () -> {
            alice.send("/rooms");
            String answer = alice.readLine();
            assertThat(answer).matches("(= rooms .*|! bus-unavailable .*)");
            return answer.startsWith("= rooms");
          });
      alice.send("back again");
      bob.until(line -> line.endsWith("> back again"));
    } finally {
      server.shutdown();
    }
  }

  /** True if {@code action} went through; false if the bus refused it. */
  private static boolean tries(ThrowingRunnable action) {
    try {
      action.run();
      return true;
    } catch (ChatException e) {
      assertThat(e.code()).isEqualTo(Code.BUS_UNAVAILABLE);
      return false;
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws ChatException;
  }

  @Test
  void redisKilledAndRestartedWithItsDataKeepsTheOrderAndLosesNothingSilently() throws Exception {
    Nodes.Pair pair = nodes.pairInDev();
    ChatHub one = pair.one();
    ChatHub two = pair.two();
    Recorder alice = pair.alice();
    Recorder bob = pair.bob();
    Session a = pair.a();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      a.say("before " + i);
      sent.add("before " + i);
    }
    Await.until(
        "the first 20 at bob", Duration.ofSeconds(10), () -> heard(bob, "dev").size() == 20);
    // Mid-conversation: messages still on their way when Redis dies either arrive, in order, or
    // their sender is told (Failed); none arrives twice.
    for (int i = 0; i < 20; i++) {
      a.say("during " + i);
      sent.add("during " + i);
    }
    redis.kill();
    redis.restart(true);
    for (int i = 0; i < 20; i++) {
      String text = "after " + i;
      Await.until("the bus back", Duration.ofSeconds(10), () -> tries(() -> a.say(text)));
      sent.add(text);
    }
    bob.await(Said.class, s -> s.text().equals("after 19"));
    List<String> got = heard(bob, "dev");
    assertThat(got).doesNotHaveDuplicates().containsSubsequence(got); // (no duplicates)
    assertThat(sent).containsSubsequence(got); // in the order sent
    assertThat(got).containsAll(sent.stream().filter(t -> !t.startsWith("during")).toList());
    long failed = alice.all(Failed.class).size();
    assertThat(got.size() + failed).isGreaterThanOrEqualTo(sent.size()); // nothing lost silently
    assertThat(bob.all(Missed.class)).isEmpty(); // Redis kept it all: nothing to tell
    assertThat(two.who("dev")).containsExactly("alice", "bob");
  }

  @Test
  void messagesWaitingInABatchWhenRedisDiesAreDeliveredOnceInOrderOrToldWithinTwoSeconds()
      throws Exception {
    Nodes.Pair pair = nodes.pairInDev();
    Recorder alice = pair.alice();
    Recorder bob = pair.bob();
    Session a = pair.a();
    a.say("before");
    bob.await(Said.class, s -> s.text().equals("before"));
    // Redis holds the first call of the burst; the rest of it waits on the node, to go as batches.
    try (var pauser = io.lettuce.core.RedisClient.create(redis.uri());
        var paused = pauser.connect()) {
      paused.sync().clientPause(10_000);
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        a.say("burst " + i);
        sent.add("burst " + i);
      }
      redis.kill();
      long killed = System.nanoTime();
      Await.until(
          "every message of the burst delivered or told",
          WITHIN,
          () -> alice.all(Failed.class).size() + heard(bob, "dev").size() - 1 >= sent.size());
      assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThanOrEqualTo(WITHIN);
      redis.restart(true);
      Await.until("the bus back", Duration.ofSeconds(10), () -> tries(() -> a.say("after")));
      sent.add("after");
      bob.await(Said.class, s -> s.text().equals("after"));
      List<String> got = heard(bob, "dev").subList(1, heard(bob, "dev").size());
      assertThat(got).doesNotHaveDuplicates();
      assertThat(sent).containsSubsequence(got); // in the order said
      assertThat(got.size() + alice.all(Failed.class).size()).isGreaterThanOrEqualTo(sent.size());
      assertThat(bob.all(Missed.class)).isEmpty();
    }
    // Now a burst Redis answers: it goes in batches, and arrives whole and in order.
    for (int i = 0; i < 200; i++) {
      a.say("again " + i);
    }
    bob.await(Said.class, s -> s.text().equals("again 199"));
    List<String> again = heard(bob, "dev").stream().filter(t -> t.startsWith("again ")).toList();
    assertThat(again).containsExactlyElementsOf(bursts("again ", 0, 200));
    assertThat(nodes.bus(0).batchedMessages()).isPositive();
  }

  @Test
  void redisRestartedWithoutItsDataIsToldAndTheRoomIsMadeAgainWithItsMembers() throws Exception {
    Nodes.Pair pair = nodes.pairInDev();
    ChatHub one = pair.one();
    ChatHub two = pair.two();
    Recorder alice = pair.alice();
    Recorder bob = pair.bob();
    Session a = pair.a();
    a.say("before");
    bob.await(Said.class, s -> s.text().equals("before"));
    redis.restart(false);
    bob.await(Missed.class, m -> m.room().equals("dev"));
    alice.await(Missed.class, m -> m.room().equals("dev"));
    Await.until(
        "both back in #dev",
        Duration.ofSeconds(10),
        () -> {
          try {
            return one.who("dev").size() == 2 && two.who("dev").size() == 2;
          } catch (ChatException e) {
            return false;
          }
        });
    Await.until("the bus back", Duration.ofSeconds(10), () -> tries(() -> a.say("after")));
    bob.await(Said.class, s -> s.text().equals("after"));
    assertThat(heard(bob, "dev")).containsExactly("before", "after");
    Await.until(
        "alice's name claimed again", Duration.ofSeconds(10), () -> two.isNameTaken("alice"));
    assertThatThrownBy(() -> two.connectAs(new Recorder(), "alice", Origin.UNKNOWN))
        .isInstanceOf(ChatException.class);
  }

  /**
   * A node that holds 8 deliveries, stalled by a member whose front blocks (which a real front must
   * never do: it stands for a stalled machine) while another node sends 200 messages; returns what
   * the stalled member heard, once it heard the last one.
   */
  private List<String> stallWhileTheOtherSends(ClusterSettings settings, Recorder[] stalledMember)
      throws Exception {
    ChatHub slow = nodes.node(settings.withDeliveries(8));
    ChatHub fast = nodes.node(settings);
    CountDownLatch stalled = new CountDownLatch(1);
    Recorder carol =
        new Recorder() {
          @Override
          public void deliver(ChatEvent event) {
            super.deliver(event);
            if (event instanceof Said said && said.text().equals("stall")) {
              try {
                stalled.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    stalledMember[0] = carol;
    Session c = slow.connectAs(carol, "carol", Origin.UNKNOWN);
    Recorder dave = new Recorder();
    Session d = fast.connectAs(dave, "dave", Origin.UNKNOWN);
    Recorder erin = new Recorder(); // hears the messages on the fast node (dave hears not his own)
    c.join("dev");
    d.join("dev");
    fast.connectAs(erin, "erin", Origin.UNKNOWN).join("dev");
    carol.await(Joined.class, j -> j.name().equals("erin"));
    d.say("stall");
    carol.await(Said.class, s -> s.text().equals("stall"));
    for (int i = 0; i < 200; i++) {
      // One at a time, each in Redis before the next, so each is a delivery of its own (messages
      // said at once would travel in a few batches, which 8 places could hold).
      String text = "burst " + i;
      d.say(text);
      erin.await(Said.class, s -> s.text().equals(text));
    }
    Await.until(
        "deliveries dropped on the stalled node",
        Duration.ofSeconds(10),
        () -> nodes.bus(0).droppedDeliveries() > 0);
    stalled.countDown();
    // The stalled node catches up (from the log) or tells what it lost; then one more message.
    Await.until(
        "the stalled node caught up",
        Duration.ofSeconds(10),
        () -> heard(carol, "dev").contains("burst 199") || !carol.all(Missed.class).isEmpty());
    d.say("last");
    carol.await(Said.class, s -> s.text().equals("last"));
    return heard(carol, "dev");
  }

  private static List<String> bursts(int from, int to) {
    return bursts("burst ", from, to);
  }

  private static List<String> bursts(String prefix, int from, int to) {
    List<String> texts = new ArrayList<>();
    for (int i = from; i < to; i++) {
      texts.add(prefix + i);
    }
    return texts;
  }

  @Test
  void deliveriesANodeCouldNotHoldAreRepairedFromTheRoomsLog() throws Exception {
    Recorder[] carol = new Recorder[1];
    List<String> got = stallWhileTheOtherSends(ClusterSettings.of(redis.uri()), carol);
    List<String> expected = new ArrayList<>(List.of("stall"));
    expected.addAll(bursts(0, 200));
    expected.add("last");
    assertThat(got).containsExactlyElementsOf(expected);
    assertThat(carol[0].all(Missed.class)).isEmpty();
    assertThat(nodes.bus(0).repairs()).isPositive();
  }

  @Test
  void aGapOlderThanTheRoomsLogIsToldAndWhatFollowsIsInOrder() throws Exception {
    Recorder[] carol = new Recorder[1];
    List<String> got =
        stallWhileTheOtherSends(ClusterSettings.of(redis.uri()).withLogSize(20), carol);
    Missed missed = carol[0].await(Missed.class, m -> m.room().equals("dev"));
    assertThat(missed.count()).isPositive();
    assertThat(got).doesNotHaveDuplicates();
    List<String> all = new ArrayList<>(List.of("stall"));
    all.addAll(bursts(0, 200));
    all.add("last");
    assertThat(all).containsSubsequence(got); // in order, some lost, and told
    long told = carol[0].all(Missed.class).stream().mapToLong(Missed::count).sum();
    assertThat(got.size() + told)
        .as("heard %s, told %s", got, carol[0].all(Missed.class))
        .isGreaterThanOrEqualTo(all.size());
  }
}
