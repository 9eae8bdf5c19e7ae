package io.switchboard.chat;

import static io.switchboard.chat.ChatLines.greeting;
import static io.switchboard.chat.ChatLines.nick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.chat.line.ChatServer;
import io.switchboard.chat.line.LineFormat;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LineClient;
import io.switchboard.testkit.ModelVariant;
import io.switchboard.testkit.TcpStates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chat hub's behaviour over real sockets, run against every registered model and each of its
 * variants (models from other modules join by being on the test class path).
 *
 * <p>Cases that need two clients connected at once are skipped on models that serve one client at a
 * time ({@code EngineProvider.concurrent()} false, the iterative model): there the second client
 * waits in the listen backlog until the first leaves, which is that model's documented behaviour,
 * not a chat bug. Their single-client cases still run, one client after another.
 */
class ChatSuiteTest {
  private static final Limits LIMITS = Limits.DEFAULT.withShutdownDeadline(Duration.ofSeconds(2));

  static Stream<ModelVariant> models() {
    return ModelVariant.all();
  }

  /** The hub with {@code settings} on {@code model}, able to serve {@code clients} at once. */
  private static Server start(ModelVariant model, ChatSettings settings, int clients) {
    return model.start(ChatServer.application(settings), LIMITS, clients);
  }

  private static void assumeConcurrent(ModelVariant model) {
    assumeTrue(
        model.concurrent(),
        model.model()
            + " serves one client at a time: a second member cannot be connected at once");
  }

  // ---- Two clients at once -------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void twoClientsTalk(ModelVariant model) throws Exception {
    assumeConcurrent(model);
    try (Server server = start(model, ChatSettings.DEFAULT, 2);
        LineClient alice = LineClient.connect(server.localAddress())) {
      greeting(alice);
      nick(alice, "alice");
      LineClient bob = LineClient.connect(server.localAddress());
      String bobGuest = greeting(bob);
      alice.until("#lobby -- " + bobGuest + " joined");
      nick(bob, "bob");
      alice.until("#lobby -- " + bobGuest + " is now bob");

      alice.send("hello bob");
      bob.until("#lobby <alice> hello bob");
      bob.send("/me waves");
      bob.send("hi alice");
      // alice's next room lines are bob's: her own message was not sent back to her
      assertThat(alice.readLine()).isEqualTo("#lobby * bob waves");
      assertThat(alice.readLine()).isEqualTo("#lobby <bob> hi alice");
      bob.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void privateMessagesReachOnlyTheirTarget(ModelVariant model) throws Exception {
    assumeConcurrent(model);
    try (Server server = start(model, ChatSettings.DEFAULT, 3);
        LineClient alice = LineClient.connect(server.localAddress());
        LineClient bob = LineClient.connect(server.localAddress());
        LineClient carol = LineClient.connect(server.localAddress())) {
      greeting(alice);
      nick(alice, "alice");
      greeting(bob);
      nick(bob, "bob");
      greeting(carol);
      nick(carol, "carol");

      alice.send("/msg BOB psst, a secret");
      bob.until("[alice -> bob] psst, a secret");
      alice.until("[alice -> bob] psst, a secret"); // the confirmation
      alice.send("/msg nobody hello?");
      alice.until(line -> line.startsWith("! no-such-name "));
      alice.send("everyone: done");
      List<String> carolSaw = carol.until("#lobby <alice> everyone: done");
      assertThat(carolSaw).noneMatch(line -> line.startsWith("[") || line.contains("secret"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void joinLeaveRenameQuitAndDisconnectNotices(ModelVariant model) throws Exception {
    assumeConcurrent(model);
    try (Server server = start(model, ChatSettings.DEFAULT, 3);
        LineClient watcher = LineClient.connect(server.localAddress());
        LineClient alice = LineClient.connect(server.localAddress())) {
      greeting(watcher);
      nick(watcher, "watcher");
      watcher.send("/join dev");
      watcher.until("= joined #dev, members (1): watcher");
      greeting(alice);
      nick(alice, "alice");

      alice.send("/join #Dev");
      alice.until("= joined #dev, members (2): watcher, alice");
      watcher.until("#dev -- alice joined");
      alice.send("/nick Alice2");
      watcher.until("#dev -- alice is now Alice2");
      watcher.send("/nick ALICE2");
      watcher.until(line -> line.startsWith("! name-taken "));
      alice.send("/leave");
      alice.until("= left #dev; talking in #lobby");
      watcher.until("#dev -- Alice2 left");
      alice.send("/quit off to lunch");
      alice.until("= bye");
      alice.untilClosed();
      watcher.until("#lobby -- Alice2 quit (off to lunch)");

      try (LineClient bob = LineClient.connect(server.localAddress())) {
        greeting(bob);
        nick(bob, "bob");
        bob.send("/join dev");
        watcher.until("#dev -- bob joined");
        bob.reset(); // an abrupt end: a reset, no /quit
      }
      watcher.until(line -> line.startsWith("#dev -- bob disconnected"));
      watcher.send("/who");
      watcher.until("= members of #dev (1): watcher");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void textFromOneMemberNeverReachesAnotherTerminalRaw(ModelVariant model) throws Exception {
    assumeConcurrent(model);
    try (Server server = start(model, ChatSettings.DEFAULT, 2);
        LineClient watcher = LineClient.connect(server.localAddress());
        LineClient mallory = LineClient.connect(server.localAddress())) {
      greeting(watcher);
      nick(watcher, "watcher");
      String guest = greeting(mallory);
      nick(mallory, "mallory");
      watcher.until("#lobby -- " + guest + " is now mallory");
      // A bell, a terminal-title sequence, NUL, an 8-bit CSI and a Unicode line separator.
      mallory.send("hi\u0007 \u001b]0;owned\u0007there\u0000 \u009b2J\u2028end");
      mallory.send("/me waves\u001b[5m");
      mallory.send("/msg watcher psst\r#lobby <watcher> I agree");
      // A bare CR would start a forged line on the watcher's screen; ESC ] 0 retitles it.
      mallory.send("/quit bye\r#lobby <watcher> forged \u001b]0;pwned\u0007");
      mallory.until(LineFormat.bye());

      List<String> seen = new ArrayList<>();
      seen.add(watcher.readLine());
      seen.add(watcher.readLine());
      seen.add(watcher.readLine());
      seen.add(watcher.readLine());
      assertThat(seen)
          .containsExactly(
              "#lobby <mallory> hi ]0;ownedthere 2Jend",
              "#lobby * mallory waves[5m",
              "[mallory -> watcher] psst#lobby <watcher> I agree",
              "#lobby -- mallory quit (bye#lobby <watcher> forged ]0;pwned)");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void errorRepliesNeverEchoControlCharacters(ModelVariant model) throws Exception {
    try (Server server = start(model, ChatSettings.DEFAULT, 1);
        LineClient client = LineClient.connect(server.localAddress())) {
      greeting(client);
      client.expectPrefix("= joined #lobby");
      client.send("/frobnicate\u001b[2J\u0007");
      client.send("/msg no\u001b]0;x\u0007body hello");
      client.send("/who no\rwhere");
      client.send("/join bad!\u0000room");
      client.send("/history \u001b[1");
      client.send("/nick \u0085\u009b");
      List<String> replies = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        replies.add(client.readLine());
      }
      assertThat(replies)
          .containsExactly(
              "! unknown-command /frobnicate[2j is not a command; /help lists them",
              "! no-such-name nobody is called no]0;xbody",
              "! no-such-room there is no room #nowhere",
              "! invalid-room invalid room name 'bad!room': 1 to 32 letters, digits, '-', '_' or"
                  + " '.'",
              "! usage /history [N]",
              "! invalid-name invalid name '': 1 to 24 letters, digits, '-', '_' or '.', starting"
                  + " with a letter or digit");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void slowConsumerIsDroppedWhileOthersKeepReceiving(ModelVariant model) throws Exception {
    assumeConcurrent(model);
    ChatSettings settings =
        ChatSettings.DEFAULT.withSlowConsumerBytes(256 * 1024).withRateLimit(1_000_000, 1_000_000);
    try (Server server = start(model, settings, 3);
        LineClient fast = LineClient.connect(server.localAddress());
        LineClient slow = LineClient.connect(server.localAddress(), 4096);
        Socket sender = new Socket("127.0.0.1", server.localAddress().getPort())) {
      greeting(fast);
      nick(fast, "fast");
      slow.write("/nick slow\n".getBytes(StandardCharsets.UTF_8));
      fast.until(line -> line.matches("#lobby -- guest-\\d+ is now slow"));
      OutputStream out = sender.getOutputStream();
      Thread.ofVirtual().start(() -> drain(sender));
      int sent =
          ChatLines.floodUntilDropped(
              bytes -> {
                try {
                  out.write(bytes);
                  out.flush();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              fast,
              "slow");
      assertThat(sent).as("lines until the slow member was dropped").isPositive();

      out.write("still here\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      fast.until(line -> line.endsWith("> still here"));

      // The dropped member finds the reason as the last line once it reads.
      assertThat(slow.untilClosed().getLast()).startsWith("! too-slow ");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void theRoomCapHoldsExactlyWhileRoomsAreCreatedAndForgottenAtOnce(ModelVariant model)
      throws Exception {
    assumeConcurrent(model);
    int cap = 6;
    int clients = 32;
    int rounds = 20;
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT.withMaxRooms(cap, 1));
    List<LineClient> members = new ArrayList<>();
    AtomicInteger mostRooms = new AtomicInteger();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (watching.get()) {
                    mostRooms.accumulateAndGet(hub.roomCount(), Math::max);
                    LockSupport.parkNanos(20_000);
                  }
                });
    try (Server server = model.start(ChatServer.application(hub), LIMITS, clients)) {
      for (int i = 0; i < clients; i++) {
        LineClient member = LineClient.connect(server.localAddress());
        members.add(member);
        greeting(member);
        member.expectPrefix("= joined #lobby");
        member.send("/leave");
        member.expectPrefix("= left #lobby");
      }
      for (int round = 0; round < rounds; round++) {
        // Every member asks for a room of its own at once; the rooms of the round before are
        // empty, so each new room takes the place of a forgotten one, and exactly `cap` can.
        for (int i = 0; i < clients; i++) {
          members.get(i).send("/join r" + round + "-" + i);
        }
        List<LineClient> inARoom = new ArrayList<>();
        for (LineClient member : members) {
          String answer = member.readLine();
          if (answer.startsWith("= joined #r" + round + "-")) {
            inARoom.add(member);
          } else {
            assertThat(answer).startsWith("! too-many-rooms ");
          }
        }
        int joined = inARoom.size();
        // Only now that every join of the round is answered do the rooms empty again.
        for (LineClient member : inARoom) {
          member.send("/leave");
          member.expectPrefix("= left #r" + round + "-");
        }
        assertThat(joined).as("joins that got a room in round %d", round).isEqualTo(cap);
      }
    } finally {
      watching.set(false);
      watcher.join();
      members.forEach(LineClient::close);
    }
    assertThat(mostRooms.get()).as("the most rooms the hub kept at once").isEqualTo(cap);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aBigRoomAnnouncesNoJoinsLeavesOrRenames(ModelVariant model) throws Exception {
    assumeConcurrent(model);
    try (Server server = start(model, ChatSettings.DEFAULT.withPresenceLimit(3), 4);
        LineClient watcher = LineClient.connect(server.localAddress())) {
      greeting(watcher);
      nick(watcher, "watcher");
      LineClient second = LineClient.connect(server.localAddress());
      String guest = greeting(second);
      watcher.until("#lobby -- " + guest + " joined"); // two, then three: announced
      LineClient third = LineClient.connect(server.localAddress());
      guest = greeting(third);
      watcher.until("#lobby -- " + guest + " joined");
      nick(third, "third");
      watcher.until("#lobby -- " + guest + " is now third");

      LineClient fourth = LineClient.connect(server.localAddress());
      greeting(fourth);
      // Four members: more than the limit, so no names and no notices.
      assertThat(fourth.readLine())
          .isEqualTo(
              "= joined #lobby, members (4); a big room: joins, leaves and renames are not"
                  + " announced; /who lists the members");
      nick(fourth, "fourth");
      fourth.send("here now");
      List<String> before = watcher.until("#lobby <fourth> here now");
      assertThat(before).isEmpty();
      fourth.send("/quit");
      fourth.until("= bye");
      fourth.close();
      // Back to three: third's leave is announced again.
      third.send("/leave");
      List<String> quiet = watcher.until("#lobby -- third left");
      assertThat(quiet).isEmpty();
      second.close();
      third.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void oneMemberCannotTakeEveryRoom(ModelVariant model) throws Exception {
    try (Server server = start(model, ChatSettings.DEFAULT.withMaxRooms(1000, 3), 1);
        LineClient client = LineClient.connect(server.localAddress())) {
      String me = greeting(client);
      client.send("/join a");
      client.send("/join b");
      client.send("/join c");
      client.expectPrefix("= joined #b");
      client.expectPrefix(
          "! too-many-joined you are in 3 rooms, the most one member may be in; /leave one first");
      client.send("/join lobby"); // one it is in already: only talked in again
      client.until("= talking in #lobby");
      client.send("/leave a");
      client.send("/join c");
      client.until("= joined #c, members (1): " + me);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void membersDroppedAsTooSlowFreeTheirPlacesAtOnceAndAreGoneSoon(ModelVariant model)
      throws Exception {
    assumeConcurrent(model);
    assumeTrue(TcpStates.available(), "the kernel's socket table is read from /proc");
    ChatSettings settings =
        ChatSettings.DEFAULT.withSlowConsumerBytes(64 * 1024).withRateLimit(1_000_000, 1_000_000);
    // Three places; the close timeout far above the wait below, so only the drop can end them.
    Limits limits = LIMITS.withMaxConnections(3).withCloseTimeout(Duration.ofSeconds(60));
    Duration gone = limits.dropTimeout().multipliedBy(3);
    try (Server server = model.start(ChatServer.application(settings), limits, 4);
        LineClient sender = LineClient.connect(server.localAddress());
        LineClient slow1 = LineClient.connect(server.localAddress(), 4096);
        LineClient slow2 = LineClient.connect(server.localAddress(), 4096)) {
      greeting(sender);
      nick(sender, "sender");
      slow1.write("/nick slow1\n".getBytes(StandardCharsets.UTF_8));
      slow2.write("/nick slow2\n".getBytes(StandardCharsets.UTF_8));
      sender.until(line -> line.endsWith(" is now slow1") || line.endsWith(" is now slow2"));
      sender.until(line -> line.endsWith(" is now slow1") || line.endsWith(" is now slow2"));
      try (LineClient fourth = LineClient.connect(server.localAddress())) {
        assertThat(fourth.readLine()).startsWith("! server-full ");
      }

      // Neither slow member reads: the sender's lines fill their sockets, then their queues.
      String filler = "x".repeat(1000);
      int dropped = 0;
      for (int sent = 0; dropped < 2 && sent < 20_000; ) {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 50; i++) {
          batch.append(filler).append(' ').append(++sent).append('\n');
        }
        sender.write(batch.toString().getBytes(StandardCharsets.UTF_8));
        // A line of the sender's own comes back as an error (no room) only if something broke;
        // the notices of the drops are what it hears.
        sender.send("/rooms");
        for (String line : sender.until(line -> line.startsWith("= rooms"))) {
          if (line.endsWith(" disconnected (too slow)")) {
            dropped++;
          }
        }
      }
      assertThat(dropped).as("slow members dropped").isEqualTo(2);

      // Their places are free the moment the others hear they left, not after a timeout.
      try (LineClient newcomer = LineClient.connect(server.localAddress());
          LineClient another = LineClient.connect(server.localAddress())) {
        assertThat(newcomer.readLine()).startsWith("= welcome");
        assertThat(another.readLine()).startsWith("= welcome");
      }
      // And their sockets do not stay open while they read nothing.
      int port = server.localAddress().getPort();
      for (LineClient slow : List.of(slow1, slow2)) {
        int peer = slow.socket().getLocalPort();
        Await.until(
            "the server let go of the socket of the member on port " + peer,
            gone,
            () -> !TcpStates.established(port, peer));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aTricklingMemberIsClosedWithALineTimeoutWhileOthersChat(ModelVariant model)
      throws Exception {
    assumeConcurrent(model);
    Duration timeout = Duration.ofMillis(600);
    Limits limits = LIMITS.withFrameTimeout(timeout).withIdleTimeout(Duration.ZERO); // as serve
    try (Server server = model.start(ChatServer.application(ChatSettings.DEFAULT), limits, 3);
        LineClient alice = LineClient.connect(server.localAddress());
        LineClient bob = LineClient.connect(server.localAddress());
        LineClient trickler = LineClient.connect(server.localAddress())) {
      greeting(alice);
      nick(alice, "alice");
      greeting(bob);
      nick(bob, "bob");
      greeting(trickler);
      nick(trickler, "trickler");
      alice.until(line -> line.endsWith(" is now trickler"));
      // One byte every 100 ms (a pace, not a wait): never silent, never a whole line.
      Thread trickle = trickler.trickle((byte) 'z', Duration.ofMillis(100));
      try {
        // Alice and Bob talk all the while, and are answered at once.
        for (int i = 0; i < 5; i++) {
          alice.send("ping " + i);
          bob.until("#lobby <alice> ping " + i);
          bob.send("pong " + i);
          alice.until("#lobby <bob> pong " + i);
        }
        assertThat(trickler.expectPrefix("! line-timeout "))
            .isEqualTo("! line-timeout line not complete within 600 ms; closing");
        assertThat(trickler.closedByServer(Await.DEFAULT)).isTrue();
        alice.until("#lobby -- trickler disconnected (too slow to finish a line)");
        alice.send("still here");
        bob.until("#lobby <alice> still here");
      } finally {
        trickle.interrupt();
      }
    }
  }

  private static void drain(Socket socket) {
    try {
      socket.getInputStream().transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // closed by the test
    }
  }

  // ---- The crowd -----------------------------------------------------------------------------

  private static final int CROWD = 200;
  private static final int ROOMS = 5;
  private static final int MESSAGES = 100;

  /** A crowd member that only counts: messages are kept as {@code sender * 1000 + seq}. */
  private static final class CrowdMember implements AutoCloseable {
    final int index;
    final String room;
    final Socket socket;
    final OutputStream out;
    final CountDownLatch joined = new CountDownLatch(1);
    final CountDownLatch done = new CountDownLatch(1);
    final int expected;
    int[] received;
    volatile int count;
    volatile String failure;

    CrowdMember(InetSocketAddress server, int index, int expected) throws IOException {
      this.index = index;
      this.room = "room-" + (index % ROOMS);
      this.expected = expected;
      this.received = new int[expected];
      socket = new Socket();
      socket.connect(server, 10_000);
      out = socket.getOutputStream();
      Thread.ofVirtual().start(this::read);
      send("/nick c" + index + "\n/join " + room + "\n");
    }

    void send(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    // count is written by this member's reader thread only; volatile so the test thread sees it.
    @SuppressWarnings("NonAtomicVolatileUpdate")
    private void read() {
      String prefix = "#" + room + " <c";
      String joinedLine = "= joined #" + room + ",";
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.startsWith(joinedLine)) {
            joined.countDown();
          } else if (line.startsWith(prefix)) {
            // "#room-k <c12> m 12 34"
            String[] words = line.split(" ");
            int sender = Integer.parseInt(words[3]);
            int seq = Integer.parseInt(words[4]);
            if (count == expected) {
              failure = "more messages than expected: " + line;
              break;
            }
            received[count] = sender * 1000 + seq;
            count = count + 1;
            if (count == expected) {
              done.countDown();
            }
          } else if (line.startsWith("!")) {
            failure = line;
            break;
          }
        }
      } catch (IOException e) {
        // the test closed the socket
      }
      joined.countDown();
      done.countDown();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void twoHundredClientsInFiveRoomsSeeTheSameOrder(ModelVariant model) throws Exception {
    assumeConcurrent(model);
    int perRoom = CROWD / ROOMS;
    int expected = (perRoom - 1) * MESSAGES;
    List<CrowdMember> crowd = new ArrayList<>();
    try (Server server = start(model, ChatSettings.DEFAULT, CROWD)) {
      try {
        for (int i = 0; i < CROWD; i++) {
          crowd.add(new CrowdMember(server.localAddress(), i, expected));
        }
        for (CrowdMember member : crowd) {
          assertThat(member.joined.await(30, TimeUnit.SECONDS))
              .as("c%d joined", member.index)
              .isTrue();
          assertThat(member.failure).isNull();
        }
        // Everyone is in a room now; all send at once, each in one write per ten lines.
        for (CrowdMember member : crowd) {
          StringBuilder lines = new StringBuilder();
          for (int seq = 0; seq < MESSAGES; seq++) {
            lines.append("m ").append(member.index).append(' ').append(seq).append('\n');
          }
          member.send(lines.toString());
        }
        for (CrowdMember member : crowd) {
          assertThat(member.done.await(60, TimeUnit.SECONDS))
              .as("c%d received %d of %d", member.index, member.count, expected)
              .isTrue();
          assertThat(member.failure).as("c%d", member.index).isNull();
          assertThat(member.count).isEqualTo(expected);
        }
        for (int room = 0; room < ROOMS; room++) {
          List<CrowdMember> members = new ArrayList<>();
          for (CrowdMember member : crowd) {
            if (member.index % ROOMS == room) {
              members.add(member);
            }
          }
          checkRoom(members);
        }
      } finally {
        for (CrowdMember member : crowd) {
          member.close();
        }
      }
    }
  }

  /**
   * Every member got every other member's messages exactly once, each sender's in the order sent,
   * and any two members agree on the order of the messages both received.
   */
  private static void checkRoom(List<CrowdMember> members) {
    for (CrowdMember member : members) {
      int[] next = new int[CROWD];
      for (int message : member.received) {
        int sender = message / 1000;
        assertThat(sender).as("c%d got its own message", member.index).isNotEqualTo(member.index);
        assertThat(message % 1000)
            .as("c%d: message from c%d out of order or repeated", member.index, sender)
            .isEqualTo(next[sender]);
        next[sender]++;
      }
    }
    for (int a = 0; a < members.size(); a++) {
      for (int b = a + 1; b < members.size(); b++) {
        CrowdMember first = members.get(a);
        CrowdMember second = members.get(b);
        int[] x = without(first.received, second.index);
        int[] y = without(second.received, first.index);
        assertThat(x)
            .as("c%d and c%d disagree on the order of #%s", first.index, second.index, first.room)
            .isEqualTo(y);
      }
    }
  }

  private static int[] without(int[] messages, int sender) {
    return Arrays.stream(messages).filter(m -> m / 1000 != sender).toArray();
  }

  // ---- One client at a time (every model, the iterative one included) -----------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void historyReplaysTheLastMessages(ModelVariant model) throws Exception {
    try (Server server = start(model, ChatSettings.DEFAULT.withHistorySize(5), 1)) {
      try (LineClient first = LineClient.connect(server.localAddress())) {
        greeting(first);
        nick(first, "first");
        for (int i = 1; i <= 7; i++) {
          first.send("message " + i);
        }
        first.send("/me is done");
        first.send("/quit");
        first.until("= bye");
        first.untilClosed();
      }
      try (LineClient second = LineClient.connect(server.localAddress())) {
        greeting(second);
        second.send("/history");
        second.until("= history #lobby: 5 messages (the room keeps 5)");
        List<String> replay =
            List.of(
                second.readLine(),
                second.readLine(),
                second.readLine(),
                second.readLine(),
                second.readLine());
        assertThat(replay).allMatch(line -> line.matches("= \\d\\d:\\d\\d:\\d\\d #lobby .*"));
        assertThat(replay)
            .extracting(line -> line.substring(11))
            .containsExactly(
                "#lobby <first> message 4",
                "#lobby <first> message 5",
                "#lobby <first> message 6",
                "#lobby <first> message 7",
                "#lobby * first is done");
        second.send("/history 2");
        second.until("= history #lobby: 2 messages (the room keeps 5)");
        assertThat(second.readLine()).endsWith("#lobby <first> message 7");
        assertThat(second.readLine()).endsWith("#lobby * first is done");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void floodLimitDropsLinesWithOneNotice(ModelVariant model) throws Exception {
    ChatSettings settings = ChatSettings.DEFAULT.withRateLimit(10, 20).withHistorySize(500);
    int lines = 300;
    try (Server server = start(model, settings, 1)) {
      try (LineClient flooder = LineClient.connect(server.localAddress())) {
        greeting(flooder);
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < lines; i++) {
          burst.append("flood ").append(i).append('\n');
        }
        flooder.write(burst.toString().getBytes(StandardCharsets.UTF_8));
        flooder.expectPrefix("! flood too many lines: 10 per second (bursts of 20) allowed");
        // Sending 300 lines takes far less than the 28 s the limit needs to let them all through;
        // close and wait for the hub to see it, so the next client is served (iterative).
        flooder.socket().shutdownOutput();
        List<String> after = flooder.untilClosed();
        assertThat(after).noneMatch(line -> line.startsWith("! flood"));
      }
      try (LineClient reader = LineClient.connect(server.localAddress())) {
        greeting(reader);
        reader.send("/history");
        String header = reader.expectPrefix("= history #lobby: ");
        int kept = Integer.parseInt(header.split(" ")[3]);
        assertThat(kept).isGreaterThanOrEqualTo(20).isLessThan(lines);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void telnetNegotiationNeverReachesARoom(ModelVariant model) throws Exception {
    try (Server server = start(model, ChatSettings.DEFAULT, 1);
        LineClient telnet = LineClient.connect(server.localAddress())) {
      greeting(telnet);
      // What telnet may send: options (IAC WILL ECHO, IAC DO SUPPRESS-GO-AHEAD), a terminal-type
      // subnegotiation, then a typed line with Ctrl-C (IAC IP) in it, split across writes.
      byte[] first = {
        (byte) 0xFF,
        (byte) 0xFB,
        0x01,
        (byte) 0xFF,
        (byte) 0xFD,
        0x03,
        (byte) 0xFF,
        (byte) 0xFA,
        0x18,
        0x00,
        'x',
        't',
        'e',
        'r',
        'm',
        (byte) 0xFF
      };
      byte[] second = {(byte) 0xF0, 'h', 'e', 'l', (byte) 0xFF, (byte) 0xF4, 'l', 'o', '\r', '\n'};
      telnet.write(first);
      telnet.write(second);
      telnet.send("/history 1");
      telnet.expectPrefix("= history #lobby: 1 messages");
      assertThat(telnet.readLine()).matches("= \\d\\d:\\d\\d:\\d\\d #lobby <guest-\\d+> hello");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void commandsAndBadInput(ModelVariant model) throws Exception {
    try (Server server = start(model, ChatSettings.DEFAULT.withMaxLineBytes(100), 1)) {
      try (LineClient client = LineClient.connect(server.localAddress())) {
        greeting(client);
        client.send("");
        client.send("   ");
        client.send("/nick al\u0007ice"); // the bell is stripped
        client.until("= you are now alice"); // and the empty lines got no answer
        client.send("/nick not valid!");
        client.expectPrefix("! invalid-name ");
        client.send("/join dev");
        client.until("= joined #dev, members (1): alice");
        client.send("/join lobby");
        client.until("= talking in #lobby");
        client.send("/rooms");
        client.until("= rooms (2): #dev 1, #lobby 1");
        client.send("/who dev");
        client.until("= members of #dev (1): alice");
        client.send("/who nowhere");
        client.expectPrefix("! no-such-room ");
        client.send("/leave nowhere");
        client.expectPrefix("! not-in-room ");
        client.send("/frobnicate");
        client.expectPrefix("! unknown-command /frobnicate");
        client.send("/help");
        client.expectPrefix("= /quit [REASON]");
        client.write(new byte[] {'b', 'a', 'd', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        client.send("//slash");
        client.send("/history 2");
        client.until("= history #lobby: 2 messages (the room keeps 100)");
        assertThat(client.readLine()).endsWith("#lobby <alice> bad \uFFFD(");
        assertThat(client.readLine()).endsWith("#lobby <alice> /slash");
        client.send("y".repeat(150));
        client.expectPrefix("! line-too-long ");
        client.untilClosed();
      }
    }
  }
}
