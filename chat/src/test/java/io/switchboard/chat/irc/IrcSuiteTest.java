package io.switchboard.chat.irc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.chat.ChatHub;
import io.switchboard.chat.ChatLines;
import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.LineClient;
import io.switchboard.testkit.ModelVariant;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The IRC front over real sockets, every case on every registered model and variant: what clients
 * send to register, the commands and numerics of issue 16, and an IRC client and a line client in
 * one room. The command and its numeric are named in each step.
 *
 * <p>Cases with two clients at once are skipped on models that serve one client at a time (the
 * iterative model): a second client waits in the backlog until the first leaves, which is that
 * model's documented behaviour. Its single-client cases run.
 */
class IrcSuiteTest {
  private static final Limits LIMITS = Limits.DEFAULT.withShutdownDeadline(Duration.ofSeconds(2));
  private static final String SERVER = "irc.test";

  static Stream<ModelVariant> models() {
    return ModelVariant.all();
  }

  /** A hub with an IRC front and a line front, on one model. */
  private record Fronts(Server irc, Server line) implements AutoCloseable {
    static Fronts start(ModelVariant model, IrcSettings irc, ChatSettings chat, int clients) {
      ChatHub hub = new ChatHub(chat);
      Server ircServer = model.start(IrcServer.application(hub, irc), LIMITS, clients);
      return new Fronts(ircServer, model.start(ChatServer.application(hub), LIMITS, clients));
    }

    static Fronts start(ModelVariant model, int clients) {
      return start(model, IrcSettings.named(SERVER), ChatSettings.DEFAULT, clients);
    }

    Irc irc(String nick) {
      return Irc.as(irc.localAddress(), nick);
    }

    /** A line client called {@code name}, in #lobby. */
    LineClient line(String name) {
      return ChatLines.inLobby(line.localAddress(), name);
    }

    @Override
    public void close() {
      irc.shutdown();
      line.shutdown();
    }
  }

  private static void assumeConcurrent(ModelVariant model) {
    assumeTrue(
        model.concurrent(),
        model.model() + " serves one client at a time: a second client cannot be connected");
  }

  // ---- One client ----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void registrationAsIrssiWeechatAndIiDoIt(ModelVariant model) {
    IrcSettings settings = IrcSettings.named(SERVER).withMotd(List.of());
    try (Fronts fronts = Fronts.start(model, settings, ChatSettings.DEFAULT, 1);
        Irc client = Irc.connect(fronts.irc().localAddress())) {
      // CAP LS 302 is answered, and holds registration until CAP END (irssi and weechat).
      client.send("CAP LS 302");
      assertThat(client.line.readLine()).isEqualTo(":irc.test CAP * LS :multi-prefix");
      // irssi's probe: any command that needs registration gets 451 ERR_NOTREGISTERED.
      client.send("JOIN :");
      assertThat(client.next("451")).endsWith(":You have not registered");
      client.send("CAP REQ :multi-prefix");
      assertThat(client.line.readLine()).isEqualTo(":irc.test CAP * ACK :multi-prefix");
      client.send("PASS whatever"); // no connection password: accepted, unused
      client.send("NICK 9-lives!"); // 432 ERR_ERRONEUSNICKNAME
      assertThat(client.next("432")).startsWith(":irc.test 432 * 9-lives! :");
      client.send("NICK");
      client.next("431"); // ERR_NONICKNAMEGIVEN
      client.send("NICK alice");
      client.send("USER alice 0 * :Alice Liddell");
      client.send("PING :before-cap-end"); // PING before registering is answered...
      assertThat(client.line.readLine()).isEqualTo(":irc.test PONG irc.test :before-cap-end");
      client.send("CAP END"); // ...and only CAP END completes it
      List<String> welcome = client.upTo(line -> Irc.is(line, "422"));
      assertThat(welcome.stream().map(Irc::command))
          .containsExactly(
              "001", "002", "003", "004", "005", "005", "251", "252", "253", "254", "255", "422");
      assertThat(welcome.get(0))
          .isEqualTo(
              ":irc.test 001 alice :Welcome to the switchboard IRC network,"
                  + " alice!~alice@127.0.0.1");
      assertThat(String.join(" ", welcome.subList(4, 6)))
          .contains(
              "CASEMAPPING=ascii",
              "CHANTYPES=#",
              "NICKLEN=24",
              "CHANNELLEN=33",
              "TOPICLEN=390",
              "PREFIX=(ov)@+",
              "CHANMODES=b,k,l,imnst");
      assertThat(welcome.get(6)).contains("There are 1 users");

      // After registration: 462, 421, 461, 411, 412, 491, 502, 221, 501.
      client.send("USER again 0 * :again");
      client.next("462");
      client.send("PASS late");
      client.next("462");
      client.send("FROBNICATE now");
      assertThat(client.next("421")).startsWith(":irc.test 421 alice FROBNICATE ");
      client.send("JOIN");
      assertThat(client.next("461")).startsWith(":irc.test 461 alice JOIN ");
      client.send("PRIVMSG");
      client.next("411");
      client.send("PRIVMSG alice");
      client.next("412");
      client.send("OPER root secret");
      client.next("491"); // this server has no operators file
      client.send("MODE bob +i");
      client.next("502");
      client.send("MODE alice +i");
      assertThat(client.line.readLine()).isEqualTo(":alice!~alice@127.0.0.1 MODE alice +i");
      client.send("MODE alice");
      assertThat(client.next("221")).endsWith(" :+i");
      client.send("MODE alice +x");
      client.next("501");

      // A line past 512 bytes is answered with 417 and the client carries on.
      client.send("PRIVMSG alice :" + "x".repeat(600));
      client.next("417");
      // A NUL is no IRC: 400, and on.
      client.line.write("PRIVMSG alice :a\0b\r\n".getBytes(StandardCharsets.UTF_8));
      client.next("400");

      // Replies keep the order of the commands: the PONG comes after everything LUSERS owes.
      client.line.write("LUSERS\r\nPING :last\r\n".getBytes(StandardCharsets.US_ASCII));
      for (String numeric : List.of("251", "252", "253", "254", "255")) {
        client.next(numeric);
      }
      assertThat(client.line.readLine()).isEqualTo(":irc.test PONG irc.test :last");

      // QUIT: ERROR, the connection closes, and the nick is free at once.
      client.send("QUIT :off to lunch");
      assertThat(client.line.readLine())
          .isEqualTo("ERROR :Closing link: (~alice@127.0.0.1) [Quit: off to lunch]");
      assertThat(client.line.untilClosed()).isEmpty();
    }
    // The nick was freed at once: the next client takes it (on the iterative model too).
    try (Fronts fronts = Fronts.start(model, settings, ChatSettings.DEFAULT, 1)) {
      Irc first = fronts.irc("alice");
      first.send("QUIT");
      first.line.untilClosed();
      try (Irc second = fronts.irc("alice")) {
        assertThat(second.nick).isEqualTo("alice");
      }
    }
  }

  // ---- An IRC client and a line client in one room ------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void ircAndLineClientsMeetInTheSameRooms(ModelVariant model) {
    assumeConcurrent(model);
    try (Fronts fronts = Fronts.start(model, 4);
        LineClient bob = fronts.line("bob");
        Irc alice = fronts.irc("alice")) {
      // JOIN: the echo, then RPL_NAMREPLY (bob came first: he runs #lobby) and RPL_ENDOFNAMES.
      List<String> joined = alice.join("#lobby");
      assertThat(joined)
          .containsExactly(
              ":alice!~alice@127.0.0.1 JOIN #lobby",
              ":irc.test 353 alice = #lobby :@bob alice",
              ":irc.test 366 alice #lobby :End of /NAMES list");
      bob.until("#lobby -- alice joined");

      // Messages both ways, /me as CTCP ACTION, NOTICE shown as a message on the line front.
      bob.send("hi alice");
      assertThat(alice.expect("PRIVMSG")).isEqualTo(":bob!line@127.0.0.1 PRIVMSG #lobby :hi alice");
      bob.send("/me waves");
      assertThat(alice.expect("PRIVMSG"))
          .isEqualTo(":bob!line@127.0.0.1 PRIVMSG #lobby :\u0001ACTION waves\u0001");
      alice.send("PRIVMSG #lobby :hello bob");
      alice.send("PRIVMSG #lobby :\u0001ACTION bows\u0001");
      alice.send("NOTICE #lobby :a notice");
      assertThat(bob.readLine()).isEqualTo("#lobby <alice> hello bob");
      assertThat(bob.readLine()).isEqualTo("#lobby * alice bows");
      assertThat(bob.readLine()).isEqualTo("#lobby <alice> a notice");

      // Private messages: both ways; an IRC client is not sent its own back.
      alice.send("PRIVMSG bob :psst");
      bob.until("[alice -> bob] psst");
      bob.send("/msg alice hey you");
      assertThat(alice.expect("PRIVMSG")).isEqualTo(":bob!line@127.0.0.1 PRIVMSG alice :hey you");
      assertThat(alice.drain()).isEmpty();

      // The same history, in the same order, on both fronts.
      bob.send("/history");
      bob.expectPrefix("= history #lobby: 5 messages");
      assertThat(bob.readLine()).endsWith("#lobby <bob> hi alice");
      assertThat(bob.readLine()).endsWith("#lobby * bob waves");
      assertThat(bob.readLine()).endsWith("#lobby <alice> hello bob");
      alice.send("HISTORY #lobby 3");
      assertThat(alice.expect("NOTICE"))
          .endsWith(":history of #lobby: 3 messages (the room keeps 100)");
      assertThat(alice.next("NOTICE")).matches(".*:\\[\\d\\d:\\d\\d:\\d\\d] <alice> hello bob");
      assertThat(alice.next("NOTICE")).endsWith("* alice bows");
      assertThat(alice.next("NOTICE")).endsWith("<alice> a notice");
      alice.next("NOTICE");

      // A topic on a room the IRC client made (it runs it); the line client sees it set, and on
      // entering.
      alice.join("#dev");
      alice.send("TOPIC #dev :ship it");
      assertThat(alice.expect("TOPIC")).isEqualTo(":alice!~alice@127.0.0.1 TOPIC #dev :ship it");
      alice.send("TOPIC #dev");
      assertThat(alice.next("332")).isEqualTo(":irc.test 332 alice #dev :ship it");
      assertThat(alice.next("333")).matches(":irc.test 333 alice #dev alice :\\d+");
      bob.send("/join dev");
      bob.until(line -> line.startsWith("= joined #dev, members (2): alice, bob"));
      assertThat(bob.readLine()).isEqualTo("= topic #dev: ship it (set by alice)");
      assertThat(alice.expect("JOIN")).isEqualTo(":bob!line@127.0.0.1 JOIN #dev");
      alice.send("TOPIC #dev :ship it today");
      bob.until("#dev -- alice set the topic: ship it today");

      // The rules an IRC operator sets hold on the line front, and show there as notices.
      alice.join("#vault");
      alice.send("MODE #vault +k sesame");
      alice.expect("MODE");
      bob.send("/join vault");
      assertThat(bob.expectPrefix("! bad-key ")).isEqualTo("! bad-key #vault needs a key to join");
      bob.send("/join vault sesame");
      bob.expectPrefix("= joined #vault, members (2): alice, bob");
      alice.send("MODE #vault +m");
      bob.until("#vault -- alice moderated the room");
      bob.send("may I speak?");
      assertThat(bob.expectPrefix("! cannot-send "))
          .isEqualTo("! cannot-send #vault is moderated: only operators and voiced members speak");
      alice.send("KICK #vault bob :enough");
      bob.until("#vault -- bob was kicked by alice (enough)");
      bob.send("/who vault");
      bob.until("= members of #vault (1): alice");
      bob.send("/join dev"); // talk in #dev again

      // A nick change: one NICK for the IRC client however many rooms it shares.
      bob.send("/nick robert");
      assertThat(alice.expect("NICK")).isEqualTo(":bob!line@127.0.0.1 NICK robert");
      assertThat(alice.drain()).noneMatch(line -> Irc.is(line, "NICK"));
      alice.send("NICK alicia");
      assertThat(alice.expect("NICK")).isEqualTo(":alice!~alice@127.0.0.1 NICK alicia");
      bob.until("#lobby -- alice is now alicia");

      // PART with a reason; KICK seen from the line front.
      alice.send("PART #dev :back later");
      assertThat(alice.expect("PART")).isEqualTo(":alicia!~alice@127.0.0.1 PART #dev :back later");
      bob.until("#dev -- alicia left (back later)");

      // A quit: one QUIT for the IRC client, and the line client's reason in it.
      alice.join("#dev");
      bob.send("/quit lunch");
      bob.until("= bye");
      assertThat(alice.expect("QUIT")).isEqualTo(":robert!line@127.0.0.1 QUIT :Quit: lunch");
      assertThat(alice.drain()).noneMatch(line -> Irc.is(line, "QUIT"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void anIrcQuitAndADroppedConnectionReachTheLineFront(ModelVariant model) {
    assumeConcurrent(model);
    try (Fronts fronts = Fronts.start(model, 4);
        LineClient bob = fronts.line("bob")) {
      Irc alice = fronts.irc("alice");
      alice.join("#lobby");
      alice.send("QUIT :see you");
      alice.line.untilClosed();
      bob.until("#lobby -- alice quit (see you)");
      Irc carol = fronts.irc("carol");
      carol.join("#lobby");
      carol.line.reset();
      bob.until(line -> line.startsWith("#lobby -- carol disconnected ("));
      // Control characters from one client never reach another raw; long messages are split.
      Irc dave = fronts.irc("dave");
      dave.join("#lobby");
      Irc erin = fronts.irc("erin");
      erin.join("#lobby");
      dave.send("PRIVMSG #lobby :\u001b[31mred\u0007 \u0003" + "4colour\u0002bold\u000f");
      bob.until("#lobby <dave> [31mred 4colourbold");
      assertThat(erin.expect("PRIVMSG"))
          .isEqualTo(":dave!~dave@127.0.0.1 PRIVMSG #lobby :[31mred 4colourbold");
      String paragraph = ("word" + "é".repeat(3) + " ").repeat(150).strip();
      bob.send(paragraph);
      StringBuilder heard = new StringBuilder();
      while (heard.length() < paragraph.length()) {
        String line = erin.expect("PRIVMSG");
        assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(510);
        String text = line.substring(line.indexOf(" :") + 2);
        heard.append(heard.length() == 0 ? "" : " ").append(text);
      }
      assertThat(heard.toString()).isEqualTo(paragraph);
      dave.close();
      erin.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aSlowIrcClientIsDroppedWithErrorWhileOthersKeepReceiving(ModelVariant model)
      throws Exception {
    assumeConcurrent(model);
    ChatSettings settings =
        ChatSettings.DEFAULT.withSlowConsumerBytes(256 * 1024).withRateLimit(1_000_000, 1_000_000);
    try (Fronts fronts = Fronts.start(model, IrcSettings.named(SERVER), settings, 4);
        LineClient fast = fronts.line("fast");
        LineClient slow = LineClient.connect(fronts.irc().localAddress(), 4096);
        LineClient sender = fronts.line("sender")) {
      Irc slowIrc = new Irc(slow);
      slowIrc.register("slowirc");
      slowIrc.join("#lobby"); // and it reads no more
      fast.until("#lobby -- slowirc joined");
      int said = ChatLines.floodUntilDropped(sender::write, fast, "slowirc");
      assertThat(said).as("lines until the slow IRC client was dropped").isPositive();
      // Its ERROR, with why, comes after what was queued for it, once it reads.
      assertThat(slow.untilClosed().getLast())
          .startsWith("ERROR :Closing link: (~slowirc@127.0.0.1) [too slow: more than 262144");
    }
  }

  // ---- Channel operators and the join rules --------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void operatorsSetModesAndTheJoinRulesHold(ModelVariant model) {
    assumeConcurrent(model);
    try (Fronts fronts = Fronts.start(model, 6);
        Irc alice = fronts.irc("alice");
        Irc bob = fronts.irc("bob");
        Irc carol = fronts.irc("carol");
        Irc dave = fronts.irc("dave")) {
      // The first member of a new channel is its operator; MODE query: 324 and 329.
      assertThat(alice.join("#ops")).contains(":irc.test 353 alice = #ops :@alice");
      bob.join("#ops");
      alice.send("MODE #ops");
      assertThat(alice.expect("324")).isEqualTo(":irc.test 324 alice #ops :+nt");
      assertThat(alice.next("329")).matches(":irc.test 329 alice #ops :\\d+");

      // Only operators: 482 ERR_CHANOPRIVSNEEDED for TOPIC (+t), MODE and KICK.
      bob.send("TOPIC #ops :mine");
      bob.expect("482");
      bob.send("MODE #ops +m");
      bob.expect("482");
      bob.send("KICK #ops alice");
      bob.expect("482");

      // +v and +m: a moderated channel hears operators and voiced members only (404 otherwise).
      alice.send("MODE #ops +mv bob");
      assertThat(bob.expect("MODE")).isEqualTo(":alice!~alice@127.0.0.1 MODE #ops +mv bob");
      carol.join("#ops");
      carol.send("PRIVMSG #ops :can I speak?");
      carol.expect("404");
      bob.send("PRIVMSG #ops :voiced");
      assertThat(alice.expect("PRIVMSG")).endsWith("PRIVMSG #ops :voiced");
      alice.send("NAMES #ops");
      assertThat(alice.next("353")).isEqualTo(":irc.test 353 alice = #ops :@alice +bob carol");
      alice.next("366");

      // +n: a channel that takes messages from members only answers outsiders 404; -n opens it.
      dave.send("PRIVMSG #ops :from outside");
      dave.expect("404");
      alice.send("MODE #ops -mn");
      bob.expect("MODE");
      dave.send("PRIVMSG #ops :from outside");
      assertThat(carol.expectEnding(":from outside"))
          .isEqualTo(":dave!~dave@127.0.0.1 PRIVMSG #ops :from outside");

      // +k: 475 without the key; JOIN with several channels and keys.
      alice.send("MODE #ops +k sesame");
      assertThat(carol.expect("MODE")).endsWith("MODE #ops +k sesame");
      dave.send("JOIN #ops");
      dave.expect("475");
      dave.send("JOIN #elsewhere,#ops x,sesame");
      assertThat(dave.expect("JOIN")).isEqualTo(":dave!~dave@127.0.0.1 JOIN #elsewhere");
      assertThat(dave.expect("JOIN")).isEqualTo(":dave!~dave@127.0.0.1 JOIN #ops");
      dave.expect("366");

      // JOIN 0 leaves every channel.
      dave.send("JOIN 0");
      assertThat(dave.expect("PART")).isEqualTo(":dave!~dave@127.0.0.1 PART #elsewhere");
      assertThat(dave.expect("PART")).isEqualTo(":dave!~dave@127.0.0.1 PART #ops");

      // +l: 471 once full.
      alice.send("MODE #ops -k+l * 3");
      assertThat(carol.expect("MODE")).endsWith("MODE #ops -k+l 3");
      dave.send("JOIN #ops");
      dave.expect("471");

      // +i: 473 uninvited; INVITE by a member who is no operator: 482; by the operator: 341,
      // and the invited one may join past +i (after -l makes room).
      alice.send("MODE #ops +i-l");
      carol.expect("MODE");
      dave.send("JOIN #ops");
      dave.expect("473");
      bob.send("INVITE dave #ops");
      bob.expect("482");
      alice.send("INVITE dave #ops");
      assertThat(alice.expect("341")).isEqualTo(":irc.test 341 alice dave :#ops");
      assertThat(dave.expect("INVITE")).isEqualTo(":alice!~alice@127.0.0.1 INVITE dave #ops");
      dave.join("#ops");
      alice.send("INVITE dave #ops");
      alice.expect("443"); // ERR_USERONCHANNEL
      alice.send("INVITE nobody #ops");
      alice.expect("401");
      alice.send("INVITE dave #nowhere");
      alice.expect("403");

      // KICK: everyone hears, the kicked one too, and it is out.
      alice.send("KICK #ops dave :behave");
      assertThat(dave.expect("KICK")).isEqualTo(":alice!~alice@127.0.0.1 KICK #ops dave :behave");
      assertThat(bob.expect("KICK")).endsWith("KICK #ops dave :behave");
      alice.send("KICK #ops dave");
      alice.expect("441"); // ERR_USERNOTINCHANNEL
      dave.send("INVITE alice #ops");
      dave.expect("442"); // ERR_NOTONCHANNEL

      // +b: 474 for a matching mask; the list (367, 368); -i so only the ban keeps dave out.
      alice.send("MODE #ops -i+b dave!*@*");
      assertThat(bob.expect("MODE")).endsWith("MODE #ops -i+b dave!*@*");
      dave.send("JOIN #ops");
      dave.expect("474");
      alice.send("MODE #ops +b");
      assertThat(alice.expect("367")).matches(":irc.test 367 alice #ops dave!\\*@\\* alice :\\d+");
      alice.next("368");

      // +s: a secret channel is not listed, nor its members named, to those outside.
      alice.send("MODE #ops +s");
      bob.expect("MODE");
      dave.send("LIST");
      assertThat(dave.upTo(line -> Irc.is(line, "323"))).noneMatch(line -> line.contains("#ops"));
      dave.send("NAMES #ops");
      dave.next("366");
      alice.send("LIST");
      assertThat(alice.upTo(line -> Irc.is(line, "323")))
          .anyMatch(line -> line.contains(" #ops 3 :"));
    }
  }

  // ---- Queries -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void queriesSayWhoIsWhereAndWhoIsAway(ModelVariant model) {
    assumeConcurrent(model);
    try (Fronts fronts = Fronts.start(model, 4);
        LineClient bob = fronts.line("bob");
        Irc alice = fronts.irc("alice");
        Irc carol = fronts.irc("carol")) {
      alice.join("#lobby");
      alice.send("TOPIC #lobby");
      alice.next("331"); // RPL_NOTOPIC

      // WHO #channel: 352 for each member, then 315.
      alice.send("WHO #lobby");
      assertThat(alice.next("352"))
          .isEqualTo(":irc.test 352 alice #lobby line 127.0.0.1 irc.test bob H@ :0 line client");
      assertThat(alice.next("352"))
          .isEqualTo(
              ":irc.test 352 alice #lobby ~alice 127.0.0.1 irc.test alice H :0 alice the tester");
      alice.next("315");

      // AWAY: 306, then 301 for whoever writes to it, G in WHO, 301 in WHOIS; 305 when back.
      alice.send("AWAY :gone fishing");
      alice.next("306");
      carol.send("PRIVMSG alice :are you there?");
      assertThat(carol.expect("301")).isEqualTo(":irc.test 301 carol alice :gone fishing");
      carol.send("WHO alice");
      assertThat(carol.next("352")).contains(" alice G :0 ");
      carol.next("315");

      // WHOIS: 311, 319, 312, 301, 317, 318; 401 and 318 for nobody.
      carol.send("WHOIS alice");
      assertThat(carol.next("311"))
          .isEqualTo(":irc.test 311 carol alice ~alice 127.0.0.1 * :alice the tester");
      assertThat(carol.next("319")).isEqualTo(":irc.test 319 carol alice :#lobby");
      assertThat(carol.next("312")).startsWith(":irc.test 312 carol alice irc.test :");
      carol.next("301");
      assertThat(carol.next("317")).matches(":irc.test 317 carol alice \\d+ \\d+ :.*");
      carol.next("318");
      carol.send("WHOIS bob");
      carol.next("311");
      assertThat(carol.next("319")).isEqualTo(":irc.test 319 carol bob :@#lobby");
      assertThat(carol.next("312")).endsWith("through its line front");
      carol.expect("318");
      carol.send("WHOIS nobody");
      carol.next("401");
      carol.next("318");
      carol.send("USERHOST alice bob nobody");
      assertThat(carol.next("302"))
          .isEqualTo(":irc.test 302 carol :alice=-~alice@127.0.0.1 bob=+line@127.0.0.1");
      carol.send("ISON alice nobody BOB");
      assertThat(carol.next("303")).isEqualTo(":irc.test 303 carol :alice BOB");
      alice.send("AWAY");
      alice.expect("305");

      // LIST: 322 per channel, 323. NAMES with no channel: 366 only.
      carol.send("LIST");
      assertThat(carol.next("322")).isEqualTo(":irc.test 322 carol #lobby 2 :");
      carol.next("323");
      carol.send("NAMES");
      assertThat(carol.next("366")).isEqualTo(":irc.test 366 carol * :End of /NAMES list");

      // User mode +i: hidden from NAMES and WHO of those who share no channel, not from members.
      alice.send("MODE alice +i");
      alice.expect("MODE");
      carol.send("NAMES #lobby");
      assertThat(carol.next("353")).isEqualTo(":irc.test 353 carol = #lobby :@bob");
      carol.next("366");
      bob.send("/who");
      bob.until("= members of #lobby (2): bob, alice");

      // Errors: 401 and 403 for PRIVMSG to nobody and nowhere; 442 for PART from a channel one
      // is not in; 403 for PART from one that does not exist; NOTICE never gets an error.
      carol.send("PRIVMSG nobody :hello");
      carol.next("401");
      carol.send("PRIVMSG #nowhere :hello");
      carol.next("403");
      carol.send("PART #lobby");
      carol.next("442");
      carol.send("PART #nowhere");
      carol.next("403");
      carol.send("JOIN nochannel");
      carol.next("403");
      carol.send("NOTICE nobody :hello");
      carol.send("NOTICE #nowhere :hello");
      assertThat(carol.drain()).isEmpty();
    }
  }

  // ---- Operators -----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void anOperatorFromTheUsersFileKicksAndSetsModesAnywhere(ModelVariant model, @TempDir Path dir)
      throws Exception {
    assumeConcurrent(model);
    IrcSettings settings = IrcSettings.named(SERVER).withOperators(Operators.file(dir));
    try (Fronts fronts = Fronts.start(model, settings, ChatSettings.DEFAULT, 4);
        Irc alice = fronts.irc("alice");
        Irc root = fronts.irc("root")) {
      alice.join("#mine");
      // OPER with a wrong password: 464, and the commands after it wait for the answer.
      root.line.write(
          "OPER admin wrong\r\nPING :after-oper\r\n".getBytes(StandardCharsets.US_ASCII));
      root.next("464");
      assertThat(root.line.readLine()).isEqualTo(":irc.test PONG irc.test :after-oper");
      root.send("OPER admin :" + Operators.PASSWORD);
      root.next("381");
      assertThat(root.line.readLine()).isEqualTo(":root!~root@127.0.0.1 MODE root +o");
      // An operator sets modes and kicks in a channel it is not in.
      root.send("MODE #mine +m");
      assertThat(alice.expect("MODE")).isEqualTo(":root!~root@127.0.0.1 MODE #mine +m");
      root.send("KICK #mine alice :operator's call");
      assertThat(alice.expect("KICK"))
          .isEqualTo(":root!~root@127.0.0.1 KICK #mine alice :operator's call");
      alice.send("WHOIS root");
      alice.expect("313"); // RPL_WHOISOPERATOR
      alice.send("LUSERS");
      assertThat(alice.expect("252")).isEqualTo(":irc.test 252 alice 1 :operator(s) online");
    }
  }

  // ---- Liveness and the flood limit ----------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void silentClientsArePingedAndClosed(ModelVariant model) {
    IrcSettings settings =
        IrcSettings.named(SERVER)
            .withPing(Duration.ofMillis(300), Duration.ofMillis(400))
            .withRegistrationTimeout(Duration.ofMillis(600));
    try (Fronts fronts = Fronts.start(model, settings, ChatSettings.DEFAULT, 2)) {
      try (Irc client = fronts.irc("sleepy")) {
        // Silent: the server pings; an answer keeps the client; silence after the next ping
        // closes it with ERROR.
        assertThat(client.expect("PING")).isEqualTo("PING irc.test");
        client.send("PONG irc.test");
        assertThat(client.expect("PING")).isEqualTo("PING irc.test");
        assertThat(client.line.readLine())
            .startsWith("ERROR :Closing link: (~sleepy@127.0.0.1) [Ping timeout: ");
        assertThat(client.line.untilClosed()).isEmpty();
      }
      try (Irc shy = Irc.connect(fronts.irc().localAddress())) {
        shy.send("NICK shy");
        assertThat(shy.line.readLine())
            .isEqualTo("ERROR :Closing link: (*@127.0.0.1) [Registration timed out]");
        assertThat(shy.line.untilClosed()).isEmpty();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aLineBegunAndNeverFinishedIsClosedAtTheFrameTimeout(ModelVariant model) {
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT);
    Limits limits = LIMITS.withFrameTimeout(Duration.ofMillis(400));
    try (Server irc =
            model.start(IrcServer.application(hub, IrcSettings.named(SERVER)), limits, 1);
        Irc client = Irc.as(irc.localAddress(), "slowpoke")) {
      client.line.write("PRIVMSG #lobby :never end".getBytes(StandardCharsets.US_ASCII));
      assertThat(client.line.readLine())
          .isEqualTo(
              "ERROR :Closing link: (~slowpoke@127.0.0.1) [Line not complete within 400 ms]");
      assertThat(client.line.untilClosed()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void theHubsFloodLimitHoldsOnIrcToo(ModelVariant model) {
    try (Fronts fronts =
            Fronts.start(
                model, IrcSettings.named(SERVER), ChatSettings.DEFAULT.withRateLimit(0.5, 3), 1);
        Irc client = fronts.irc("chatty")) {
      client.join("#lobby"); // the first line of the burst
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        lines.append("PRIVMSG #lobby :line ").append(i).append("\r\n");
      }
      client.line.write(lines.toString().getBytes(StandardCharsets.US_ASCII));
      assertThat(client.expect("263")).startsWith(":irc.test 263 chatty PRIVMSG :too many lines");
    }
  }
}
