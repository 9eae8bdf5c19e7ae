package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.services.LineService;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LineClient;
import io.switchboard.testkit.ModelVariant;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code serve --processes N}: a real supervisor process, real worker processes, real signals. The
 * {@code pid} app tells which worker served a connection.
 */
class ProcessesTest {
  private static final Pattern BANNER =
      Pattern.compile("in (\\d+) processes listening on [0-9.]+:(\\d+)");
  private static final Pattern WORKER_LISTENING =
      Pattern.compile("^\\[worker (\\d+) pid (\\d+)] .* listening on ");

  /** Three worker JVM starts and two backoffs, on a busy two-core machine. */
  private static final Duration GIVE_UP_DEADLINE = Duration.ofSeconds(60);

  private final List<Supervised> supervisors = new ArrayList<>();
  private final List<LineClient> clients = new ArrayList<>();

  @AfterEach
  void release() {
    clients.forEach(LineClient::close);
    supervisors.forEach(Supervised::destroy);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#defaults")
  void connectionsLandOnBothWorkersAndSigtermDrainsThemAndExitsZero(ModelVariant model)
      throws Exception {
    Supervised supervisor = start("--app", "pid", "--model", model.model(), "--processes", "2");
    InetSocketAddress address = supervisor.awaitListening();
    Set<Long> workers = supervisor.workerPids();
    assertThat(workers).hasSize(2);

    Set<Long> served = new HashSet<>();
    Await.until(
        "connections served by both workers " + workers + ", so far " + served,
        () -> {
          try (LineClient client = LineClient.connect(address)) {
            served.add(pidOf(client.send("which?").readLine()));
          }
          return served.equals(workers);
        });

    LineClient open = client(address);
    assertThat(workers).contains(pidOf(open.send("which?").readLine()));
    supervisor.process.toHandle().destroy(); // SIGTERM
    assertThat(open.closedByServer(Await.DEFAULT)).as("the open client is closed").isTrue();
    assertThat(supervisor.process.waitFor(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(supervisor.process.exitValue()).isZero();
    for (long pid : workers) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
          .as("worker " + pid)
          .isEmpty();
      assertThat(supervisor.stderr()).containsPattern("\\[worker \\d pid " + pid + "] .* stopped");
    }
    assertThat(supervisor.stderr()).contains("all workers stopped");
  }

  @Test
  void aKilledWorkerIsRestartedWhileTheOtherKeepsServing() throws Exception {
    Supervised supervisor = start("--app", "pid", "--model", "virtual", "--processes", "2");
    InetSocketAddress address = supervisor.awaitListening();
    Set<Long> workers = supervisor.workerPids();
    List<LineClient> oneEach = new ArrayList<>();
    Set<Long> held = new HashSet<>();
    Await.until(
        "a client held on each worker",
        () -> {
          LineClient client = client(address);
          if (held.add(pidOf(client.send("which?").readLine()))) {
            oneEach.add(client);
          }
          return held.size() == 2;
        });
    LineClient victim = oneEach.get(0);
    LineClient survivor = oneEach.get(1);
    long victimPid = pidOf(victim.send("which?").readLine());
    long survivorPid = pidOf(survivor.send("which?").readLine());

    ProcessHandle.of(victimPid).orElseThrow().destroyForcibly(); // SIGKILL
    Await.until(
        "the killed worker is gone",
        () -> ProcessHandle.of(victimPid).filter(ProcessHandle::isAlive).isEmpty());
    assertThat(victim.closedByServer(Await.DEFAULT)).isTrue();
    assertThat(pidOf(survivor.send("still there?").readLine())).isEqualTo(survivorPid);

    Set<Long> seen = new HashSet<>();
    Await.until(
        "a restarted worker serves a connection",
        () -> {
          try (LineClient client = LineClient.connect(address)) {
            seen.add(pidOf(client.send("which?").readLine()));
          }
          return seen.stream().anyMatch(pid -> !workers.contains(pid));
        });
    assertThat(seen).doesNotContain(victimPid);
    assertThat(pidOf(survivor.send("and now?").readLine())).isEqualTo(survivorPid);
    assertThat(supervisor.stderr())
        .contains("pid " + victimPid + " died (status 137, signal 9)")
        .contains("restarting it in");
  }

  @Test
  void aWorkerThatCannotStartMakesTheSupervisorGiveUp() throws Exception {
    // A plain listener without SO_REUSEPORT: no worker can bind beside it.
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Supervised supervisor =
          start(
              "--app",
              "echo",
              "--processes",
              "2",
              "--port",
              Integer.toString(taken.getLocalPort()));
      assertThat(supervisor.process.waitFor(GIVE_UP_DEADLINE.toSeconds(), TimeUnit.SECONDS))
          .as("the supervisor gives up")
          .isTrue();
      assertThat(supervisor.process.exitValue()).isEqualTo(1);
      assertThat(supervisor.stderr())
          .containsPattern(
              "switchboard serve: worker \\d could not start \\(switchboard serve:"
                  + " cannot listen on 127.0.0.1:"
                  + taken.getLocalPort()
                  + ".*\\); gave up after 3"
                  + " attempts");
      assertThat(supervisor.stdout()).noneMatch(line -> line.contains("processes listening"));
    }
  }

  @Test
  void workersDieWithTheSupervisorEvenOnSigkill() throws Exception {
    Supervised supervisor = start("--app", "echo", "--model", "threads", "--processes", "2");
    supervisor.awaitListening();
    Set<Long> workers = supervisor.workerPids();

    supervisor.process.toHandle().destroyForcibly(); // SIGKILL: no hook, no goodbye
    Await.until(
        "workers " + workers + " exit",
        () ->
            workers.stream()
                .allMatch(pid -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()));
  }

  @Test
  void anAppWithSharedStateIsRefused() {
    Apps.register(
        "shared-test", LineService.ECHO::application, Apps.State.SHARED_ACROSS_CONNECTIONS);
    StringWriter err = new StringWriter();
    int status =
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            "serve",
            "--app",
            "shared-test",
            "--processes",
            "2",
            "--port",
            "0");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .contains("shared-test app keeps state that all its connections" + " share")
        .contains("cannot run with --processes");
  }

  @Test
  void processesMustBePositive() {
    StringWriter err = new StringWriter();
    int status =
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            "serve",
            "--processes",
            "0",
            "--port",
            "0");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--processes must be at least 1");
  }

  private LineClient client(InetSocketAddress address) {
    LineClient client = LineClient.connect(address);
    clients.add(client);
    return client;
  }

  private static long pidOf(String reply) {
    assertThat(reply).startsWith("pid ");
    return Long.parseLong(reply.substring("pid ".length()));
  }

  private Supervised start(String... serveArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of("serve"));
    command.addAll(List.of(serveArgs));
    if (!command.contains("--port")) {
      command.addAll(List.of("--port", "0"));
    }
    Supervised supervised =
        new Supervised(ChildProcess.switchboard(command.toArray(String[]::new)).start());
    supervisors.add(supervised);
    return supervised;
  }

  /** A supervisor process with its output collected line by line as it comes. */
  private static final class Supervised {
    final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    Supervised(Process process) {
      this.process = process;
      collect(process.getInputStream(), stdout);
      collect(process.getErrorStream(), stderr);
    }

    private static void collect(InputStream stream, List<String> into) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                  for (String line; (line = lines.readLine()) != null; ) {
                    into.add(line);
                  }
                } catch (IOException e) {
                  // the process is gone
                }
              });
    }

    InetSocketAddress awaitListening() {
      Await.until(
          "the supervisor's banner; stderr so far:\n" + stderr(),
          () -> stdout.stream().anyMatch(line -> BANNER.matcher(line).find()));
      Matcher banner =
          stdout.stream().map(BANNER::matcher).filter(Matcher::find).findFirst().orElseThrow();
      return new InetSocketAddress(
          InetAddress.getLoopbackAddress(), Integer.parseInt(banner.group(2)));
    }

    /** The workers that have said they listen, by pid. */
    Set<Long> workerPids() {
      Set<Long> pids = new HashSet<>();
      for (String line : stdout) {
        Matcher matcher = WORKER_LISTENING.matcher(line);
        if (matcher.find()) {
          pids.add(Long.parseLong(matcher.group(2)));
        }
      }
      return pids;
    }

    List<String> stdout() {
      return stdout;
    }

    String stderr() {
      return String.join("\n", stderr);
    }

    void destroy() {
      for (long pid : workerPids()) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      process.destroyForcibly();
    }
  }
}
