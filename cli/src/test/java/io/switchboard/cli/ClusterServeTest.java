package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.chat.line.LineFormat;
import io.switchboard.cluster.RedisServer;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LineClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --app chat --bus redis://...} as users run it: separate node processes (any mix of
 * models) and {@code --processes 2}, one real Redis this test owns, real line clients, real
 * signals.
 */
class ClusterServeTest {
  /** A node killed with SIGKILL is announced gone by the others within this (the promise). */
  private static final Duration DEAD_NODE_NOTICED = Duration.ofSeconds(15);

  /** A Redis of each test's own: the members of nodes another test killed are not in it. */
  private RedisServer redis;

  private final List<RunningServe> nodes = new ArrayList<>();
  private final List<LineClient> clients = new ArrayList<>();

  @BeforeEach
  void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterEach
  void stopAll() throws Exception {
    clients.forEach(LineClient::close);
    nodes.forEach(RunningServe::close);
    redis.close();
  }

  private RunningServe node(String model) {
    RunningServe node =
        RunningServe.start("--app", "chat", "--model", model, "--port", "0", "--bus", redis.uri());
    nodes.add(node);
    return node;
  }

  private LineClient member(InetSocketAddress node, String name) {
    LineClient client = LineClient.connect(node);
    clients.add(client);
    client.expectPrefix(LineFormat.reply("you are "));
    client.send(LineFormat.command(LineFormat.NICK, name));
    client.until(LineFormat.renamed(name));
    return client;
  }

  @Test
  void threeNodeProcessesOnThreeModelsAreOneHub() {
    RunningServe one = node("virtual");
    RunningServe two = node("reactor");
    RunningServe three = node("netty");
    assertThat(one.banner().get(0)).startsWith("chat on virtual listening on ");
    LineClient alice = member(one.address(), "alice");
    LineClient bob = member(two.address(), "bob");
    LineClient carol = member(three.address(), "carol");
    for (LineClient member : List.of(alice, bob, carol)) {
      member.send("/join ops");
      member.until(line -> line.startsWith("= joined #ops"));
    }
    alice.until("#ops -- carol joined");
    bob.send("deploy at noon");
    alice.until("#ops <bob> deploy at noon");
    carol.until("#ops <bob> deploy at noon");
    carol.send("/who ops");
    carol.until("= members of #ops (3): alice, bob, carol");
    alice.send("/rooms");
    alice.until(line -> line.startsWith("= rooms (") && line.contains("#ops 3"));
    alice.send("/msg carol psst");
    carol.until("[alice -> carol] psst");
    carol.send("/history 1");
    carol.until("= history #ops: 1 messages (the room keeps 100)");
    assertThat(carol.readLine()).endsWith("#ops <bob> deploy at noon");
  }

  @Test
  void aNodeKilledWithSigkillIsAnnouncedGoneAndItsNamesFreedWithin15Seconds() {
    RunningServe doomed = node("virtual");
    RunningServe survivor = node("virtual");
    LineClient alice = member(doomed.address(), "alice");
    LineClient bob = member(survivor.address(), "bob");
    alice.send("/join dev");
    alice.until(line -> line.startsWith("= joined #dev"));
    bob.send("/join dev");
    bob.until("= joined #dev, members (2): alice, bob");

    long killed = System.nanoTime();
    doomed.close(); // SIGKILL: no goodbye to Redis
    bob.until(line -> line.startsWith("#dev -- alice ") && line.contains("lost"));
    assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(DEAD_NODE_NOTICED);
    bob.send("/who dev");
    bob.until("= members of #dev (1): bob");
    member(survivor.address(), "alice"); // the name is free again
  }

  @Test
  void aNodeStoppedWithSigtermFreesItsNamesAtOnce() {
    RunningServe leaving = node("virtual");
    RunningServe staying = node("virtual");
    LineClient alice = member(leaving.address(), "alice");
    LineClient bob = member(staying.address(), "bob");
    bob.send("/who lobby");
    bob.until("= members of #lobby (2): alice, bob");
    assertThat(leaving.stop()).isZero();
    alice.untilClosed();
    bob.until(line -> line.startsWith("#lobby -- alice "));
    member(staying.address(), "alice");
  }

  @Test
  void processesTwoServeChatOverTheBus() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Process supervisor =
        ChildProcess.switchboard(
                "serve",
                "--app",
                "chat",
                "--processes",
                "2",
                "--port",
                Integer.toString(port),
                "--bus",
                redis.uri())
            .start();
    List<String> out = collect(supervisor.getInputStream());
    List<String> err = collect(supervisor.getErrorStream());
    Pattern worker = Pattern.compile("^\\[worker (\\d+) pid (\\d+)] chat on .* listening on ");
    try {
      Await.until(
          "both workers listening; stderr: " + err,
          Duration.ofSeconds(60),
          () -> out.stream().filter(line -> worker.matcher(line).find()).count() >= 2);
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      // SO_REUSEPORT spreads connections over the workers: with eight, both serve some
      // (all on one would be a 1 in 128 chance); whichever serves whom, all are one hub.
      List<LineClient> members = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        LineClient member = member(address, "p" + i);
        member.send("/join shared");
        member.until(line -> line.startsWith("= joined #shared"));
        members.add(member);
      }
      members.get(0).until("#shared -- p7 joined");
      members.get(7).send("to everyone");
      for (int i = 0; i < 7; i++) {
        members.get(i).until("#shared <p7> to everyone");
      }
      members.get(3).send("/who shared");
      members.get(3).until("= members of #shared (8): p0, p1, p2, p3, p4, p5, p6, p7");
    } finally {
      for (String line : out) {
        Matcher matcher = worker.matcher(line);
        if (matcher.find()) {
          ProcessHandle.of(Long.parseLong(matcher.group(2)))
              .ifPresent(ProcessHandle::destroyForcibly);
        }
      }
      supervisor.destroyForcibly();
    }
  }

  @Test
  void processesWithoutABusRefuseChatAndSayHow() {
    Run run = Run.of("serve", "--app", "chat", "--processes", "2", "--port", "0");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("cannot run with --processes alone").contains("add --bus");
  }

  @Test
  void aBusThatIsNotRedisOrNotThereIsRefusedAtStart() throws Exception {
    assertThat(refusal("--bus", "http://127.0.0.1:6379")).contains("expected redis://HOST:PORT");
    assertThat(refusal("--app", "echo", "--bus", redis.uri()))
        .contains("--bus applies to --app chat only");
    int closed;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = probe.getLocalPort();
    }
    assertThat(refusal("--bus", "redis://127.0.0.1:" + closed)).contains("cannot reach Redis");
  }

  private static String refusal(String... args) {
    List<String> command = new ArrayList<>(List.of("serve", "--port", "0"));
    command.addAll(List.of(args));
    Run run = Run.of(command.toArray(String[]::new));
    assertThat(run.code()).as("exit status; stderr: %s", run.err()).isEqualTo(2);
    return run.err();
  }

  private static List<String> collect(InputStream stream) {
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process is gone
              }
            });
    return lines;
  }
}
