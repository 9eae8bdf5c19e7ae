package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LineClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of a running server, from the outside: the log lines of the events they
 * care about (with the reason a connection closed), the JSON log format, the log level, the
 * Prometheus metrics and how they move, and a clean exit on SIGTERM.
 */
class OperatingTest {
  private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)\\{[^}]*} ([0-9.eE+-]+)$");

  @Test
  void logsEachConnectionOpenedAndClosedWithTheReason() {
    try (RunningServe serve =
        RunningServe.start(
            "--app", "echo", "--model", "select", "--port", "0", "--max-connections", "2")) {
      try (LineClient client = LineClient.connect(serve.address())) {
        assertThat(client.send("hi").readLine()).isEqualTo("hi");
      }
      serve.awaitLog("a close by the peer", line -> line.contains("closed: closed by the peer"));
      assertThat(serve.log())
          .anyMatch(
              line -> line.matches(".*INFO .*echo: connection \\d+ .* accepted \\(1 open\\)"));

      LineClient reset = LineClient.connect(serve.address());
      assertThat(reset.send("x").readLine()).isEqualTo("x");
      reset.reset();
      serve.awaitLog("a reset", line -> line.contains("closed: reset by the peer"));

      try (LineClient longLine = LineClient.connect(serve.address())) {
        longLine.send("y".repeat(70_000));
        assertThat(longLine.readLine()).startsWith("ERROR line too long");
      }
      serve.awaitLog("a line too long", line -> line.contains("closed: line too long"));

      try (LineClient first = LineClient.connect(serve.address());
          LineClient second = LineClient.connect(serve.address());
          LineClient third = LineClient.connect(serve.address())) {
        first.send("1").readLine();
        second.send("2").readLine();
        assertThat(third.readLine()).startsWith("ERROR server full");
        serve.awaitLog(
            "a refusal",
            line -> line.contains("echo: refused a connection (--max-connections 2 reached)"));
      }
      assertThat(serve.stop()).as("exit status after SIGTERM").isZero();
      assertThat(serve.log()).anyMatch(line -> line.matches(".*echo on select .*stopped"));
    }
  }

  @Test
  void chatSaysWhyAMemberLeft() {
    try (RunningServe serve = RunningServe.start("--port", "0", "--idle-timeout", "1");
        LineClient quitter = LineClient.connect(serve.address());
        LineClient idler = LineClient.connect(serve.address())) {
      quitter.expectPrefix("= joined #lobby");
      idler.expectPrefix("= joined #lobby"); // then silent: the idle timeout (1 s) closes it
      quitter.send("/quit");
      quitter.untilClosed();
      serve.awaitLog("a quit", line -> line.contains("closed: quit"));
      serve.awaitLog("an idle close", line -> line.contains("closed: idle"));
      assertThat(serve.stop()).isZero();
    }
  }

  @Test
  void jsonFormatWritesOneObjectPerLineAndTheLevelFilters() throws IOException {
    ObjectMapper json = new ObjectMapper();
    try (RunningServe serve =
        RunningServe.start("--app", "echo", "--port", "0", "--log-format", "json")) {
      try (LineClient client = LineClient.connect(serve.address())) {
        assertThat(client.send("hi").readLine()).isEqualTo("hi");
      }
      serve.awaitLog("a close", line -> line.contains("closed by the peer"));
      assertThat(serve.stop()).isZero();
      for (String line : serve.log()) {
        JsonNode event = json.readTree(line);
        assertThat(event.path("level").asText()).as(line).isNotEmpty();
        assertThat(event.path("message").asText()).as(line).isNotEmpty();
      }
      assertThat(serve.log()).anyMatch(line -> line.contains("accepted"));
    }
    try (RunningServe quiet =
        RunningServe.start("--app", "echo", "--port", "0", "--log-level", "warn")) {
      try (LineClient client = LineClient.connect(quiet.address())) {
        assertThat(client.send("hi").readLine()).isEqualTo("hi");
      }
      assertThat(quiet.stop()).isZero();
      assertThat(quiet.log()).noneMatch(line -> line.contains("INFO"));
    }
  }

  @Test
  void metricsAreScrapedInPrometheusFormatAndMove() throws Exception {
    try (RunningServe serve =
        RunningServe.start("--app", "chat", "--port", "0", "--metrics-port", "0")) {
      Map<String, Double> before = scrape(serve.metricsPort());
      assertThat(before)
          .containsEntry("switchboard_connections_open", 0.0)
          .containsKeys(
              "switchboard_connections_accepted_total",
              "switchboard_bytes_in_total",
              "switchboard_chat_rooms",
              "jvm_memory_used_bytes",
              "process_files_open_files");
      try (LineClient alice = LineClient.connect(serve.address());
          LineClient bob = LineClient.connect(serve.address())) {
        alice.expectPrefix("= joined #lobby");
        bob.expectPrefix("= joined #lobby");
        alice.send("/join dev");
        alice.expectPrefix("= joined #dev");
        alice.send("hello");
        Await.until(
            "the figures move",
            () -> {
              Map<String, Double> now = scrape(serve.metricsPort());
              return now.get("switchboard_connections_open") == 2.0
                  && now.get("switchboard_connections_accepted_total") == 2.0
                  && now.get("switchboard_chat_members") == 2.0
                  && now.get("switchboard_chat_rooms") >= 2.0
                  && now.get("switchboard_frames_in_total") >= 2.0
                  && now.get("switchboard_bytes_out_total")
                      > before.get("switchboard_bytes_out_total");
            });
      }
      Await.until(
          "the connections are counted closed",
          () -> scrape(serve.metricsPort()).get("switchboard_connections_open") == 0.0);
      assertThat(serve.stop()).isZero();
    }
  }

  /** One scrape, as name to value (the first sample of each name: ours have one). */
  private static Map<String, Double> scrape(int port) {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
      return response
          .body()
          .lines()
          .map(SAMPLE::matcher)
          .filter(Matcher::matches)
          .collect(
              Collectors.toMap(m -> m.group(1), m -> Double.parseDouble(m.group(2)), (a, b) -> a));
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
