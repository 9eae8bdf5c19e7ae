package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard serve --app http} as a user runs it: the real command in its own process, the
 * banner it prints, and curl against the built-in site (its page, the docs the jar carries, the
 * calculator on the worker pool) and against {@code --root} with {@code --listing}.
 */
class HttpServeTest {
  private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");

  @TempDir Path site;

  /**
   * Also: the site is unpacked into a temporary directory (here one of the test's, through {@code
   * java.io.tmpdir}), which SIGTERM removes: the stop halts the JVM, which runs no {@code
   * deleteOnExit}, and each start would otherwise leave one behind.
   */
  @Test
  void servesTheBuiltInSiteAndTheCalculator() throws Exception {
    Path temp = Files.createDirectories(site.resolve("tmp"));
    Process process =
        ChildProcess.switchboard(
                List.of("-Djava.io.tmpdir=" + temp),
                "serve",
                "--app",
                "http",
                "--model",
                "select",
                "--port",
                "0",
                "--worker-threads",
                "1")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String base = banner(process);
      assertThat(curl(base + "/")).contains("<title>switchboard</title>", "/calc", "/docs/http.md");
      assertThat(curl(base + "/docs/http.md")).startsWith("# The web server");
      assertThat(curl("-H", "Accept: application/json", base + "/calc?expr=6*7"))
          .contains("\"result\":\"42\"");
      assertThat(unpackedSites(temp)).as("the site, unpacked").hasSize(1);
      stop(process);
      assertThat(process.exitValue()).isZero();
      assertThat(unpackedSites(temp)).as("left after SIGTERM").isEmpty();
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void servesARootWithListings() throws Exception {
    Files.writeString(site.resolve("notes.txt"), "hello\n");
    Process process =
        ChildProcess.switchboard(
                "serve", "--app", "http", "--port", "0", "--root", site.toString(), "--listing")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String base = banner(process);
      assertThat(curl(base + "/")).contains("<a href=\"notes.txt\">notes.txt</a>");
      assertThat(curl(base + "/notes.txt")).isEqualTo("hello\n");
      stop(process);
    } finally {
      process.destroyForcibly();
    }
  }

  private static List<Path> unpackedSites(Path temp) throws IOException {
    try (var entries = Files.list(temp)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith("switchboard-site-"))
          .toList();
    }
  }

  /** Reads the banner and returns the URL it names. */
  private static String banner(Process process) throws IOException {
    BufferedReader stdout =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = stdout.readLine();
    Matcher matcher = LISTENING.matcher(String.valueOf(first));
    assertThat(matcher.find()).as("first line: %s", first).isTrue();
    String url = "http://127.0.0.1:" + matcher.group(2);
    assertThat(stdout.readLine()).contains("connect with:", "a browser at " + url + "/");
    assertThat(stdout.readLine()).contains("or:", "curl " + url + "/");
    return url;
  }

  private static void stop(Process process) throws InterruptedException {
    process.toHandle().destroy();
    assertThat(process.waitFor(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  private static String curl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail", "--max-time", "20"));
    command.addAll(List.of(args));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as("curl %s: %s", String.join(" ", args), output).isZero();
    return output;
  }
}
