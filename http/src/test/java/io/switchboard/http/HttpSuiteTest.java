package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.ModelVariant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The web server on every model (Netty's testsuite pattern: one body, every transport), over real
 * sockets: curl where a real client says it best, raw bytes where only raw bytes can (malformed
 * requests, pipelines, a slow loris). {@code iterative} serves one client at a time, so it runs
 * every case that needs one client and skips the one that needs two at once.
 *
 * <p>What runs where, to keep the module's suite short on two cores: everything here runs on every
 * model and variant; the 1 GiB download ({@link LargeDownloadTest}) runs on one representative
 * model, since streaming is the same {@code ResponseQueue} code on all of them and the engine's
 * {@code sendFile} is covered for every model by testkit's conformance suite; the browser ({@link
 * BrowserTest}) drives one Chromium across the concurrent models.
 */
class HttpSuiteTest {
  private static final String ALL = "io.switchboard.testkit.ModelVariant#all";

  @TempDir static Path base;
  static Path root;
  static byte[] big;

  @BeforeAll
  static void makeSite() throws IOException {
    root = Files.createDirectories(base.resolve("www"));
    Files.writeString(root.resolve("index.html"), "<!doctype html><title>home</title>home\n");
    Files.writeString(root.resolve("small.txt"), "hello, world\n");
    Files.writeString(root.resolve("a b.txt"), "spaced\n");
    Files.writeString(root.resolve("style.css"), "body { color: red }\n");
    big = new byte[300 * 1024 + 7]; // above the copy limit: goes out with sendFile, in slices
    new Random(42).nextBytes(big);
    Files.write(root.resolve("big.bin"), big);
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/index.html"), "docs index\n");
    Files.createDirectories(root.resolve("plain"));
    Files.writeString(root.resolve("plain/one.txt"), "1\n");
    Files.writeString(base.resolve("secret.txt"), "outside the root\n");
    Files.createSymbolicLink(root.resolve("escape.txt"), base.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("escape-dir"), base);
    Files.createSymbolicLink(root.resolve("inside.txt"), root.resolve("small.txt"));
  }

  private static HttpSettings settings() {
    return HttpSettings.DEFAULT.withRoot(root).withLimits(HttpLimits.DEFAULT.withMaxBody(1024));
  }

  private static Server start(ModelVariant variant, HttpSettings settings, Limits limits) {
    return variant.start(HttpServer.application(settings), limits, 4);
  }

  private static Server start(ModelVariant variant) {
    return start(variant, settings(), Limits.DEFAULT);
  }

  private static RawHttp.Response fresh(Server server, String request) {
    try (RawHttp client = RawHttp.connect(server.localAddress())) {
      return client.exchange(request);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void everyStatusWithItsSmallBody(ModelVariant variant) {
    try (Server server = start(variant)) {
      String host = "Host: t\r\n";
      try (RawHttp client = RawHttp.connect(server.localAddress())) {
        RawHttp.Response ok = client.exchange("GET /small.txt HTTP/1.1\r\n" + host + "\r\n");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.text()).isEqualTo("hello, world\n");
        assertThat(ok.header("content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(ok.header("server")).isEqualTo("switchboard");
        assertThat(HttpDate.parse(ok.header("date"))).isPositive();
        String etag = ok.header("etag");
        String modified = ok.header("last-modified");

        RawHttp.Response ranged =
            client.exchange("GET /small.txt HTTP/1.1\r\n" + host + "Range: bytes=7-\r\n\r\n");
        assertThat(ranged.status()).isEqualTo(206);
        assertThat(ranged.text()).isEqualTo("world\n");
        assertThat(ranged.header("content-range")).isEqualTo("bytes 7-12/13");

        assertThat(
                client
                    .exchange(
                        "GET /small.txt HTTP/1.1\r\n"
                            + host
                            + "If-None-Match: "
                            + etag
                            + "\r\n\r\n")
                    .status())
            .isEqualTo(304);
        assertThat(
                client
                    .exchange(
                        "GET /small.txt HTTP/1.1\r\n"
                            + host
                            + "If-Modified-Since: "
                            + modified
                            + "\r\n\r\n")
                    .status())
            .isEqualTo(304);
        RawHttp.Response unsatisfiable =
            client.exchange("GET /small.txt HTTP/1.1\r\n" + host + "Range: bytes=99-\r\n\r\n");
        assertThat(unsatisfiable.status()).isEqualTo(416);
        assertThat(unsatisfiable.header("content-range")).isEqualTo("bytes */13");

        RawHttp.Response moved = client.exchange("GET /docs?x=1 HTTP/1.1\r\n" + host + "\r\n");
        assertThat(moved.status()).isEqualTo(301);
        assertThat(moved.header("location")).isEqualTo("/docs/?x=1");
        assertThat(client.exchange("GET /docs/ HTTP/1.1\r\n" + host + "\r\n").text())
            .isEqualTo("docs index\n");
        assertThat(client.exchange("GET /plain/ HTTP/1.1\r\n" + host + "\r\n").status())
            .isEqualTo(403);
        RawHttp.Response missing = client.exchange("GET /nope HTTP/1.1\r\n" + host + "\r\n");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.text()).contains("404 Not Found");
        RawHttp.Response notAllowed =
            client.exchange("DELETE /small.txt HTTP/1.1\r\n" + host + "\r\n");
        assertThat(notAllowed.status()).isEqualTo(405);
        assertThat(notAllowed.header("allow")).isEqualTo("GET, HEAD");
        assertThat(client.exchange("BREW /pot HTTP/1.1\r\n" + host + "\r\n").status())
            .as("a method nobody registered")
            .isEqualTo(501);
        RawHttp.Response head = client.exchange("HEAD /big.bin HTTP/1.1\r\n" + host + "\r\n");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).isEqualTo(Integer.toString(big.length));
        assertThat(client.exchange("GET /a%20b.txt HTTP/1.1\r\n" + host + "\r\n").text())
            .isEqualTo("spaced\n");
        assertThat(client.exchange("GET /small.txt HTTP/1.1\r\n\r\n").status())
            .as("HTTP/1.1 without Host")
            .isEqualTo(400);
        // Every answer so far kept the connection: one more proves it.
        assertThat(client.exchange("GET /big.bin HTTP/1.1\r\n" + host + "\r\n").body())
            .isEqualTo(big);
      }
      // The rest break the framing or a limit: answered, then closed.
      String tooLong = "GET /" + "a".repeat(9000) + " HTTP/1.1\r\n" + host + "\r\n";
      String manyFields = "GET / HTTP/1.1\r\n" + host + "X-A: 1\r\n".repeat(101) + "\r\n";
      String[][] refusals = {
        {"400", "GET / HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n"},
        {"400", "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n"},
        {
          "400",
          "POST /calc HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
              .concat("Transfer-Encoding: chunked\r\n\r\n")
        },
        {"400", "GET / HTTP/1.1\r\nHost: t\rX: 1\r\n\r\n"},
        {"413", "POST /calc HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n"},
        {"414", tooLong},
        {"431", manyFields},
        {"501", "POST /calc HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"},
        {"505", "GET / HTTP/2.0\r\n" + host + "\r\n"},
      };
      for (String[] refusal : refusals) {
        try (RawHttp client = RawHttp.connect(server.localAddress())) {
          RawHttp.Response response = client.exchange(refusal[1]);
          assertThat(response.status()).as(refusal[1]).isEqualTo(Integer.parseInt(refusal[0]));
          assertThat(response.header("connection")).isEqualTo("close");
          assertThat(response.text()).contains(refusal[0] + " ");
          assertThat(client.closedByServer()).as("closed after %s", refusal[0]).isTrue();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void keepsAliveAndAnswersPipelinedRequestsInOrder(ModelVariant variant) {
    try (Server server = start(variant, settings().withWorkers(2, 16), Limits.DEFAULT);
        RawHttp client = RawHttp.connect(server.localAddress())) {
      for (int i = 0; i < 100; i++) {
        RawHttp.Response response = client.exchange("GET /small.txt HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(response.status()).as("request %d", i).isEqualTo(200);
        assertThat(response.text()).isEqualTo("hello, world\n");
      }
      // Twenty requests in one write, the big file and worker-computed answers among them: the
      // answers come back in request order although the workers finish whenever they do.
      StringBuilder pipeline = new StringBuilder();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        switch (i % 4) {
          case 0 -> {
            pipeline.append("GET /calc?expr=3%5E2000%2B").append(i).append(" HTTP/1.1\r\n");
            expected.add("calc");
          }
          case 1 -> {
            pipeline.append("GET /big.bin HTTP/1.1\r\n");
            expected.add("big");
          }
          case 2 -> {
            pipeline.append("GET /calc?expr=").append(i).append("*2 HTTP/1.1\r\n");
            expected.add("=" + i * 2);
          }
          default -> {
            pipeline.append("GET /small.txt HTTP/1.1\r\n");
            expected.add("small");
          }
        }
        pipeline.append("Host: t\r\nAccept: application/json\r\n\r\n");
      }
      client.send(pipeline.toString());
      for (int i = 0; i < 20; i++) {
        RawHttp.Response response = client.read();
        assertThat(response.status()).isEqualTo(200);
        String want = expected.get(i);
        switch (want) {
          case "big" -> assertThat(response.body()).isEqualTo(big);
          case "small" -> assertThat(response.text()).isEqualTo("hello, world\n");
          case "calc" -> assertThat(response.text()).contains("\"result\":\"");
          default ->
              assertThat(response.text()).contains("\"result\":\"" + want.substring(1) + "\"");
        }
      }
      // HTTP/1.0 closes unless asked; Connection: close is honoured.
      assertThat(
              client
                  .exchange("GET /small.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                  .header("connection"))
          .isEqualTo("keep-alive");
      RawHttp.Response last =
          client.exchange("GET /small.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
      assertThat(last.header("connection")).isEqualTo("close");
      assertThat(client.closedByServer()).isTrue();
    }
    try (Server server = start(variant);
        RawHttp http10 = RawHttp.connect(server.localAddress())) {
      assertThat(http10.exchange("GET /small.txt HTTP/1.0\r\n\r\n").status()).isEqualTo(200);
      assertThat(http10.closedByServer()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void curlFetchesRangesRevalidatesAndFollows(ModelVariant variant) throws Exception {
    try (Server server = start(variant)) {
      String base = "http://127.0.0.1:" + server.localAddress().getPort();
      Path out = Files.createTempFile(HttpSuiteTest.base, "curl", ".bin");
      // Two URLs in one curl: the second reuses the connection (num_connects 0).
      Curl.Result two =
          Curl.run(
              "-o",
              out.toString(),
              "-o",
              out.toString(),
              "-w",
              "%{http_code} %{num_connects} %{content_type}\\n",
              base + "/big.bin",
              base + "/small.txt");
      assertThat(two.stdout().lines().toList())
          .containsExactly("200 1 application/octet-stream", "200 0 text/plain; charset=utf-8");
      Curl.Result whole = Curl.run("-o", out.toString(), "-w", "%{http_code}", base + "/big.bin");
      assertThat(whole.stdout()).isEqualTo("200");
      assertThat(Files.readAllBytes(out)).isEqualTo(big);
      Curl.Result range =
          Curl.run(
              "-r", "1000-1999", "-o", out.toString(), "-w", "%{http_code}", base + "/big.bin");
      assertThat(range.stdout()).isEqualTo("206");
      assertThat(Files.readAllBytes(out)).isEqualTo(java.util.Arrays.copyOfRange(big, 1000, 2000));
      Curl.Result followed = Curl.run("-L", "-w", " %{http_code} %{num_redirects}", base + "/docs");
      assertThat(followed.stdout()).isEqualTo("docs index\n 200 1");
      Path etagFile = HttpSuiteTest.base.resolve("etag-" + variant.model() + System.nanoTime());
      Curl.run("-o", "/dev/null", "--etag-save", etagFile.toString(), base + "/style.css");
      Curl.Result revalidated =
          Curl.run(
              "--etag-compare", etagFile.toString(), "-w", "%{http_code}", base + "/style.css");
      assertThat(revalidated.stdout()).isEqualTo("304");
      Curl.Result head = Curl.run("-I", base + "/small.txt");
      assertThat(head.stdout()).startsWith("HTTP/1.1 200 OK").contains("Content-Length: 13");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void refusesEveryWayOutOfTheRoot(ModelVariant variant) {
    try (Server server = start(variant)) {
      String[] attempts = {
        "/../secret.txt",
        "/docs/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/small.txt%00.html",
        "/%c0%ae%c0%ae/secret.txt",
        "/%c0%af..%c0%afsecret.txt",
        "/escape.txt",
        "/escape-dir/secret.txt",
        "http://t/../secret.txt",
      };
      for (String attempt : attempts) {
        RawHttp.Response response =
            fresh(server, "GET " + attempt + " HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(response.status()).as(attempt).isIn(400, 403, 404);
        assertThat(response.text()).as(attempt).doesNotContain("outside the root");
      }
      // A link that stays inside is fine, and so is a .. that stays inside.
      assertThat(fresh(server, "GET /inside.txt HTTP/1.1\r\nHost: t\r\n\r\n").text())
          .isEqualTo("hello, world\n");
      assertThat(fresh(server, "GET /docs/../small.txt HTTP/1.1\r\nHost: t\r\n\r\n").text())
          .isEqualTo("hello, world\n");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void calculatorAnswersFormsAndJsonAndSaysWhereAnExpressionIsWrong(ModelVariant variant)
      throws Exception {
    for (int workers : new int[] {0, 2}) {
      try (Server server = start(variant, settings().withWorkers(workers, 8), Limits.DEFAULT)) {
        // curl first, then the raw client: iterative serves one connection at a time.
        String base = "http://127.0.0.1:" + server.localAddress().getPort();
        Curl.Result posted =
            Curl.run(
                "--data-urlencode", "expr=(1 + 2) * 3^2", "-w", " %{http_code}", base + "/calc");
        assertThat(posted.stdout()).contains("<output id=\"answer\">27</output>").endsWith(" 200");
        Curl.Result json =
            Curl.run(
                "-H",
                "Accept: application/json",
                "-w",
                " %{http_code}",
                base + "/calc?expr=2%5E100");
        assertThat(json.stdout())
            .isEqualTo(
                "{\"expression\":\"2^100\",\"result\":\"1267650600228229401496703205376\","
                    + "\"rounded\":false}\n 200");
        Curl.Result bad =
            Curl.run(
                "-H",
                "Accept: application/json",
                "-w",
                " %{http_code}",
                base + "/calc?expr=1%2B%2B");
        assertThat(bad.stdout())
            .isEqualTo(
                "{\"expression\":\"1++\",\"error\":\"the expression ends where a number was"
                    + " expected\",\"position\":4}\n 400");
        RawHttp client = RawHttp.connect(server.localAddress());
        RawHttp.Response form = client.exchange("GET /calc HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(form.text()).contains("<form method=\"post\" action=\"/calc\">");
        RawHttp.Response zero = client.exchange("GET /calc?expr=1/0 HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.text()).contains("position 2: division by zero");
        RawHttp.Response notForm =
            client.exchange(
                "POST /calc HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 3\r\n\r\n1+1");
        assertThat(notForm.status()).isEqualTo(415);
        RawHttp.Response chunked =
            client.exchange(
                String.join(
                    "\r\n",
                    "POST /calc HTTP/1.1",
                    "Host: t",
                    "Accept: application/json",
                    "Content-Type: application/x-www-form-urlencoded",
                    "Transfer-Encoding: chunked",
                    "",
                    "5",
                    "expr=",
                    "3",
                    "6*7",
                    "0",
                    "",
                    ""));
        assertThat(chunked.text()).contains("\"result\":\"42\"");
        assertThat(client.exchange("PUT /calc HTTP/1.1\r\nHost: t\r\n\r\n").header("allow"))
            .isEqualTo("GET, HEAD, POST");
        client.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void aSlowLorisGets408AtTheDeadlineWhileOthersAreServed(ModelVariant variant) throws Exception {
    Duration deadline = Duration.ofSeconds(1);
    try (Server server = start(variant, settings(), Limits.DEFAULT.withFrameTimeout(deadline));
        RawHttp slow = RawHttp.connect(server.localAddress())) {
      long started = System.nanoTime();
      slow.send("GET /small.txt HTTP/1.1\r\nHo");
      if (variant.concurrent()) {
        // Another client is served in full while the loris holds its half-sent request.
        for (int i = 0; i < 5; i++) {
          assertThat(fresh(server, "GET /small.txt HTTP/1.1\r\nHost: t\r\n\r\n").text())
              .isEqualTo("hello, world\n");
          slow.send("s"); // a byte now and then: the idle timeout alone would never fire
        }
      }
      // iterative serves one client at a time: the loris is the one and others wait their turn,
      // so there it meets its deadline alone.
      RawHttp.Response timeout = slow.read();
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(timeout.status()).isEqualTo(408);
      assertThat(timeout.text()).contains("did not arrive within 1 s");
      assertThat(slow.closedByServer()).isTrue();
      // The sweep runs four times per timeout: closed within 1.25 times the deadline (+ slack).
      assertThat(waited).isBetween(deadline.toMillis(), 3 * deadline.toMillis());
      Await.until("the loris's connection is gone", () -> server.connectionCount() == 0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void anIdleKeptAliveConnectionIsClosedAtTheIdleTimeout(ModelVariant variant) {
    Duration idle = Duration.ofMillis(400);
    try (Server server = start(variant, settings(), Limits.DEFAULT.withIdleTimeout(idle));
        RawHttp client = RawHttp.connect(server.localAddress())) {
      assertThat(client.exchange("GET /small.txt HTTP/1.1\r\nHost: t\r\n\r\n").status())
          .isEqualTo(200);
      long answered = System.nanoTime();
      assertThat(client.closedByServer()).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered))
          .isBetween(idle.toMillis() - 50, 5 * idle.toMillis());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void aFullServerAnswers503AndServesTheOthers(ModelVariant variant) {
    assumeTrue(variant.concurrent(), "iterative never holds two connections: the next waits");
    try (Server server = start(variant, settings(), Limits.DEFAULT.withMaxConnections(1));
        RawHttp first = RawHttp.connect(server.localAddress())) {
      assertThat(first.exchange("GET /small.txt HTTP/1.1\r\nHost: t\r\n\r\n").status())
          .isEqualTo(200);
      try (RawHttp second = RawHttp.connect(server.localAddress())) {
        RawHttp.Response refused = second.read();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("retry-after")).isEqualTo("1");
        assertThat(refused.text()).isEqualTo("server full, try again later\n");
        assertThat(second.closedByServer()).isTrue();
      }
      assertThat(first.exchange("GET /small.txt HTTP/1.1\r\nHost: t\r\n\r\n").status())
          .isEqualTo(200);
    }
  }

  /** curl, the real client, run as a child process. */
  static final class Curl {
    record Result(int exit, String stdout, String stderr) {}

    static Result run(String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).start();
      byte[] out = process.getInputStream().readAllBytes();
      byte[] err = process.getErrorStream().readAllBytes();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      Result result =
          new Result(
              process.exitValue(),
              new String(out, StandardCharsets.UTF_8),
              new String(err, StandardCharsets.UTF_8));
      assertThat(result.exit()).as("curl %s: %s", String.join(" ", args), result.stderr()).isZero();
      return result;
    }
  }
}
