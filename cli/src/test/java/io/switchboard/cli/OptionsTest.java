package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.LineClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options that say the truth: every refusal names the flag and the rule (never a field of the
 * code), an option that does not apply to the chosen model or app is refused with where it does
 * apply, a config file sets every option and the command line wins over it, and --check shows what
 * is in effect and where it came from.
 */
class OptionsTest {
  @TempDir Path dir;

  private static Run run(String... args) {
    return Run.of(args);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--max-line 0                        | --max-line must be at least 1, not 0",
        "--port 70000                        | --port must be from 0 to 65535, not 70000",
        "--idle-timeout -1                   | --idle-timeout must be at least 0, not -1",
        "--max-connections 0                 | --max-connections must be at least 1, not 0",
        "--frame-timeout -5                  | --frame-timeout must be at least 0, not -5",
        "--shutdown-deadline -1              | --shutdown-deadline must be at least 0, not -1",
        "--chat-rate-limit 0                 | --chat-rate-limit must be more than 0, not 0.0",
        "--chat-burst 0                      | --chat-burst must be at least 1, not 0",
        "--processes 0 --app echo            | --processes must be at least 1, not 0",
        "--metrics-port 99999                | --metrics-port must be from 0 to 65535, not 99999",
        "--model reactor --threads 0         | --threads must be at least 1, not 0",
        "--app echo --model virtual --threads 4 | --threads does not apply to the virtual model;"
            + " it applies to pool, reactor, epoll, aio, netty",
        "--app echo --model netty --selector poll | --selector does not apply to the netty model;"
            + " it applies to select, reactor",
        "--app echo --model select --transport epoll | --transport does not apply to the select"
            + " model; it applies to netty",
        "--app echo --chat-history 5         | --chat-history applies to --app chat only, not to"
            + " --app echo",
        "--listing                           | --listing applies to --app http only, not to"
            + " --app chat",
        "--app http --users u.txt            | --users applies to --app files only, not to --app"
            + " http",
        "--root /tmp                         | --root applies to --app files and --app http only,"
            + " not to --app chat",
        "--app echo --irc-port 6667          | --irc-port applies to --app chat only, not to --app"
            + " echo",
        "--model carrier-pigeon              | unknown model 'carrier-pigeon'; models: iterative,",
      })
  void aRefusalNamesTheFlagAndTheRule(String args, String message) {
    Run run = run(("serve " + args.strip()).split(" +"));
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).startsWith("switchboard serve: " + message);
    assertThat(run.err()).doesNotContain("maxFrameLength", "PT", "Exception");
  }

  @Test
  void aConfigFileSetsOptionsAndTheCommandLineWins() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("serve.properties"),
            "# the echo service, pinned down\napp = echo\nmodel = REACTOR\nthreads = 2\n"
                + "max-connections = 500\n");
    Run run = run("serve", "--config", file.toString(), "--max-connections", "600", "--check");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("app +echo +\\(config\\)")
        .containsPattern("model +reactor +\\(config\\)") // any case in, shown normalized
        .containsPattern("threads +2 +\\(config\\)")
        .containsPattern("max-connections +600 +\\(flag\\)")
        .containsPattern("port +7000 +\\(default\\)")
        .containsPattern("max-line +65536 +\\(default\\)")
        .contains("the settings are valid")
        .doesNotContain("chat-history"); // not an echo setting
  }

  @Test
  void aConfigFileWithAnUnknownSettingIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("typo.properties"), "max-conections = 3\n");
    Run run = run("serve", "--config", file.toString(), "--check");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("'max-conections' is not a setting").contains("max-connections");
    Run missing = run("serve", "--config", dir.resolve("absent").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("cannot read it");
  }

  @Test
  void aConfigFileSettingThatDoesNotApplyIsRefusedToo() throws IOException {
    Path file = Files.writeString(dir.resolve("mixed.properties"), "app = echo\nlisting = true\n");
    Run run = run("serve", "--config", file.toString(), "--check");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--listing applies to --app http only");
  }

  @Test
  void chatShowsAndKeepsItsOwnLineLimit() {
    Run defaults = run("serve", "--check");
    assertThat(defaults.out()).containsPattern("max-line +2000 +\\(default\\)");
    assertThat(run("serve", "--app", "echo", "--check").out())
        .containsPattern("max-line +65536 +\\(default\\)");
    assertThat(run("serve", "--help").out().replaceAll("\\s+", " "))
        .contains("2000 for chat, 65536 for the others");
  }

  @Test
  void chatCutsLinesAtMaxLine() {
    try (RunningServe serve = RunningServe.start("--port", "0", "--max-line", "100");
        LineClient client = LineClient.connect(serve.address())) {
      client.expectPrefix("= joined #lobby");
      client.send("a".repeat(100)); // at the limit: a message
      client.send("/history 1");
      client.expectPrefix("= history #lobby: 1 messages");
      client.send("b".repeat(101));
      assertThat(client.expectPrefix("! line-too-long")).contains("limit 100 bytes");
      assertThat(client.closedByServer(java.time.Duration.ofSeconds(20))).isTrue();
    }
  }

  @Test
  void helpFitsTheTerminalWithoutHardWraps() {
    String help = run("serve", "--help").out();
    // One description, one paragraph: picocli wraps it at the terminal's width, not mid-sentence.
    assertThat(help.replaceAll("\\s+", " "))
        .contains("Runs until Ctrl-C (SIGINT) or SIGTERM, then shuts down gracefully");
    assertThat(help.lines()).allMatch(line -> line.length() <= 120);
  }

  @Test
  void everyHelpTextIsAValidFormatString() {
    // picocli formats descriptions and footers; a stray '%' prints a WARN and the raw text.
    List<String> texts = new ArrayList<>();
    collectHelpTexts(new CommandLine(new Main()), texts);
    assertThat(texts).hasSizeGreaterThan(50);
    for (String text : texts) {
      try {
        var unused = String.format(text); // only whether it formats matters
      } catch (java.util.IllegalFormatException e) {
        throw new AssertionError("not a format string (escape % as %%): " + text, e);
      }
    }
  }

  private static void collectHelpTexts(CommandLine command, List<String> texts) {
    CommandSpec spec = command.getCommandSpec();
    texts.addAll(List.of(spec.usageMessage().description()));
    texts.addAll(List.of(spec.usageMessage().footer()));
    for (OptionSpec option : spec.options()) {
      texts.addAll(List.of(option.description()));
    }
    command.getSubcommands().values().forEach(sub -> collectHelpTexts(sub, texts));
  }
}
