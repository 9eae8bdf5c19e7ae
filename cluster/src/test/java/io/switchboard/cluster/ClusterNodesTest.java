package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatHub;
import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.Origin;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.chat.line.LineFormat;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.LineClient;
import io.switchboard.testkit.ModelVariant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two and three nodes in this JVM, each a chat server on a different model, sharing one real Redis,
 * with real line clients: what a user of the spread hub gets.
 */
class ClusterNodesTest {
  private static RedisServer redis;
  private Nodes hubs;
  private final List<Server> servers = new ArrayList<>();
  private final List<LineClient> clients = new ArrayList<>();

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
    hubs = new Nodes(redis.uri());
  }

  @AfterEach
  void stopNodes() {
    clients.forEach(LineClient::close);
    servers.forEach(Server::shutdown);
    hubs.close();
  }

  /** The models that serve many clients at once, one per node in turn: any mix is one hub. */
  private static final List<ModelVariant> MODELS =
      ModelVariant.defaults().filter(ModelVariant::concurrent).toList();

  /** A node: a chat server of its own on the next model, joined to the hub through Redis. */
  private Server node(ChatSettings settings) {
    ModelVariant model = MODELS.get(servers.size() % MODELS.size());
    Server server = model.start(ChatServer.application(hubs.node(settings)), Limits.DEFAULT, 32);
    servers.add(server);
    return server;
  }

  /** A member connected to {@code node}, named {@code name}. */
  private LineClient member(Server node, String name) {
    LineClient client = LineClient.connect(node.localAddress());
    clients.add(client);
    client.expectPrefix(LineFormat.reply("you are "));
    client.send(LineFormat.command(LineFormat.NICK, name));
    client.until(LineFormat.renamed(name));
    return client;
  }

  @Test
  void membersOfThreeNodesShareRoomsNamesPrivateMessagesAndOneHistory() {
    Server one = node(ChatSettings.DEFAULT);
    Server two = node(ChatSettings.DEFAULT);
    Server three = node(ChatSettings.DEFAULT);
    LineClient alice = member(one, "alice");
    LineClient bob = member(two, "bob");
    LineClient carol = member(three, "carol");

    alice.send("/join dev");
    alice.until("= joined #dev, members (1): alice");
    bob.send("/join dev");
    bob.until("= joined #dev, members (2): alice, bob");
    alice.until("#dev -- bob joined");
    carol.send("/join dev");
    carol.until("= joined #dev, members (3): alice, bob, carol");
    bob.until("#dev -- carol joined");

    alice.send("hello from one");
    bob.until("#dev <alice> hello from one");
    carol.until("#dev <alice> hello from one");
    carol.send("hello from three");
    alice.until("#dev <carol> hello from three");
    bob.until("#dev <carol> hello from three");

    bob.send("/who dev");
    bob.until("= members of #dev (3): alice, bob, carol");
    carol.send("/rooms");
    carol.until(line -> line.startsWith("= rooms (") && line.contains("#dev 3"));

    // A name held on one node is taken on the others, whatever its case.
    LineClient other = LineClient.connect(three.localAddress());
    clients.add(other);
    other.expectPrefix(LineFormat.reply("you are "));
    other.send(LineFormat.command(LineFormat.NICK, "ALICE"));
    other.expectPrefix("! name-taken ");

    alice.send("/msg carol psst");
    carol.until("[alice -> carol] psst");
    alice.until("[alice -> carol] psst");
    carol.send("/msg BOB back");
    bob.until("[carol -> bob] back");

    // One /history, whichever node is asked.
    for (LineClient reader : List.of(alice, bob, carol)) {
      reader.send("/history 2");
      reader.until("= history #dev: 2 messages (the room keeps 100)");
      assertThat(reader.readLine()).endsWith("#dev <alice> hello from one");
      assertThat(reader.readLine()).endsWith("#dev <carol> hello from three");
    }

    // A member who leaves a node is gone for the others; its name is free again.
    bob.send("/quit");
    bob.until("= bye");
    alice.until(line -> line.startsWith("#dev -- bob "));
    carol.until(line -> line.startsWith("#dev -- bob "));
    LineClient bobAgain = member(three, "bob");
    bobAgain.send("/who dev");
    bobAgain.until("= members of #dev (2): alice, carol");
  }

  @Test
  void sixteenMembersOverThreeNodesBurstingIntoOneRoomAllSeeOneOrder() {
    Server[] nodes = {
      node(ChatSettings.DEFAULT), node(ChatSettings.DEFAULT), node(ChatSettings.DEFAULT)
    };
    burstIntoOneRoom(nodes, 25, false);
  }

  @Test
  void burstsOfSixteenMembersOnTwoNodesGoInBatchesAndEveryMemberHearsOneOrder() {
    Server[] nodes = {node(ChatSettings.DEFAULT), node(ChatSettings.DEFAULT)};
    // Each member's burst in one write: its node reads the lines at once and says them one after
    // the other, faster than Redis answers, so they wait for the call on its way and go together.
    burstIntoOneRoom(nodes, 40, true);
    assertThat(hubs.bus(0).batchedMessages() + hubs.bus(1).batchedMessages())
        .as("messages that went to Redis in a batch")
        .isPositive();
  }

  /**
   * Sixteen members spread over {@code nodes} join one room, then each sends {@code each} lines at
   * once (line by line in turn, or each member's all in one write): any two members heard the
   * messages neither sent in the very same order, and each sender's in the order it sent them.
   */
  private void burstIntoOneRoom(Server[] nodes, int each, boolean oneWrite) {
    int members = 16;
    List<LineClient> all = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      LineClient member = member(nodes[i % nodes.length], "m" + i);
      member.send("/join burst");
      member.until(line -> line.startsWith("= joined #burst"));
      all.add(member);
    }
    // Everyone is in before anyone speaks: the last to join was announced to the first.
    all.get(0).until("#burst -- m" + (members - 1) + " joined");
    if (oneWrite) {
      for (int i = 0; i < members; i++) {
        StringBuilder burst = new StringBuilder();
        for (int n = 0; n < each; n++) {
          burst.append(n == 0 ? "" : "\r\n").append('m').append(i).append('.').append(n);
        }
        all.get(i).send(burst.toString());
      }
    } else {
      for (int n = 0; n < each; n++) {
        for (int i = 0; i < members; i++) {
          all.get(i).send("m" + i + "." + n);
        }
      }
    }
    // Each member hears every message but its own; in what order?
    List<List<String>> heard = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      List<String> lines = new ArrayList<>();
      int expected = (members - 1) * each;
      while (lines.size() < expected) {
        String line = all.get(i).readLine();
        if (line.startsWith("#burst <")) {
          lines.add(line.substring(line.indexOf("> ") + 2));
        }
      }
      heard.add(lines);
    }
    // One order: any two members heard the messages neither sent in the very same order.
    for (int i = 0; i < members; i++) {
      for (int j = i + 1; j < members; j++) {
        String mine = "m" + i + ".";
        String theirs = "m" + j + ".";
        List<String> a = heard.get(i).stream().filter(t -> !t.startsWith(theirs)).toList();
        List<String> b = heard.get(j).stream().filter(t -> !t.startsWith(mine)).toList();
        assertThat(a).as("m%d and m%d", i, j).hasSize((members - 2) * each).isEqualTo(b);
      }
    }
    // And each sender's messages in the order it sent them (m0's as m1 heard them).
    for (String line : heard.get(0)) {
      assertThat(line).matches("m\\d+\\.\\d+");
    }
    for (int s = 0; s < members; s++) {
      String prefix = "m" + s + ".";
      List<String> from =
          heard.get(s == 0 ? 1 : 0).stream().filter(t -> t.startsWith(prefix)).toList();
      for (int n = 0; n < each; n++) {
        assertThat(from.get(n)).isEqualTo(prefix + n);
      }
    }
  }

  @Test
  void membersWhoLeaveTheLobbyAndJoinARoomAtOnceAreInItOnEveryNode() {
    Server[] nodes = {node(ChatSettings.DEFAULT), node(ChatSettings.DEFAULT)};
    List<LineClient> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      LineClient client = LineClient.connect(nodes[i % 2].localAddress());
      clients.add(client);
      // What the bench's clients send, in one write, before reading anything.
      client.send("/leave\r\n/nick q" + i + "\r\n/join busy\r\nfirst from q" + i);
      all.add(client);
    }
    for (int i = 0; i < all.size(); i++) {
      LineClient client = all.get(i);
      List<String> seen = new ArrayList<>();
      String line;
      do {
        line = client.readLine();
        seen.add(line);
      } while (!line.startsWith("= joined #busy")
          && !line.startsWith("! ")
          && !line.startsWith("= talking in #busy"));
      assertThat(line).as("q%d read %s", i, seen).startsWith("= joined #busy");
    }
    LineClient last = all.get(all.size() - 1);
    last.send("/who busy");
    String members = last.expectPrefix("= members of #busy (40): ");
    assertThat(members).contains("q0, ");
    for (LineClient client : all) {
      client.send("/who busy");
      List<String> lines = client.until(line -> line.startsWith("= members of #busy"));
      assertThat(lines).noneMatch(line -> line.startsWith("! "));
    }
  }

  @Test
  void twoNodesRacingForOneNameAHundredTimesHaveOneWinnerEachTime() throws Exception {
    ChatHub one = hubs.node();
    ChatHub two = hubs.node();
    ExecutorService racers = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 100; round++) {
        String name = "racer" + round;
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Boolean>> claims = new ArrayList<>();
        for (ChatHub node : List.of(one, two)) {
          claims.add(
              racers.submit(
                  () -> {
                    start.await(10, TimeUnit.SECONDS);
                    try {
                      node.connectAs(new Recorder(), name, Origin.UNKNOWN);
                      return true;
                    } catch (ChatException e) {
                      assertThat(e.code()).isEqualTo(ChatException.Code.NAME_TAKEN);
                      return false;
                    }
                  }));
        }
        int winners = 0;
        for (Future<Boolean> claim : claims) {
          winners += claim.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).as("winners of round %d", round).isEqualTo(1);
        assertThat(one.isNameTaken(name)).isTrue();
        assertThat(two.isNameTaken(name)).isTrue();
      }
    } finally {
      racers.shutdownNow();
    }
  }
}
