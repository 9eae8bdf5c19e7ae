package io.switchboard.chat.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.chat.ChatHub;
import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.Browser;
import io.switchboard.testkit.ModelVariant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WindowType;

/**
 * The chat page in a real browser (Debian's headless Chromium through chromedriver, testkit's
 * {@link Browser}) next to a real {@code nc} on the line front, in one hub: the page joins a room,
 * says something {@code nc} prints, and shows {@code nc}'s answer as text (its HTML stays text);
 * private messages and unread marks; a second tab shows the room in the same order as the first
 * while both and {@code nc} talk at once; the server going away shows the notice, and when it is
 * back on the same port the page reconnects, under its name, in its room.
 *
 * <p>On two models, one of each kind (a thread per connection, and one selector thread for all),
 * not on all: the framing and the rules run on every model in {@link WebSuiteTest}, and a browser
 * is slow to drive. {@code iterative} could not serve it anyway: a page keeps its socket open.
 *
 * <p>The README's picture of the page is the screenshot this test takes: {@code
 * chat/target/chat-web.png} after {@code ./mvnw verify -pl chat -am -Dtest=WebBrowserTest
 * -Dsurefire.failIfNoSpecifiedTests=false}; copy it to {@code docs/img/chat-web.png} to regenerate
 * it.
 */
class WebBrowserTest {
  private static final Limits LIMITS = Limits.DEFAULT.withShutdownDeadline(Duration.ofSeconds(2));
  private static final Set<String> MODELS = Set.of("virtual", "select");

  private static Browser browser;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  static Stream<ModelVariant> models() {
    return ModelVariant.defaults().filter(variant -> MODELS.contains(variant.model()));
  }

  /** A hub with its browser front and its line front, on one model. */
  private record Chat(Server web, Server line) implements AutoCloseable {
    static Chat start(ModelVariant model, int webPort) {
      ChatHub hub = new ChatHub(ChatSettings.DEFAULT);
      Server web = model.start(WebServer.application(hub, WebSettings.DEFAULT), LIMITS, 8, webPort);
      return new Chat(web, model.start(ChatServer.application(hub), LIMITS, 8));
    }

    String url() {
      return "http://127.0.0.1:" + web.localAddress().getPort() + "/";
    }

    /** {@code nc} on the line front, named {@code name}, in #lobby. */
    Netcat nc(String name) {
      Netcat nc = Netcat.connect(line.localAddress());
      nc.expectPrefix("= joined #lobby");
      nc.send("/nick " + name);
      nc.until(line -> line.equals("= you are now " + name));
      return nc;
    }

    @Override
    public void close() {
      web.shutdown();
      line.shutdown();
    }
  }

  // ---- Driving the page ------------------------------------------------------------------------

  /** Opens the page in the current tab and waits until it is connected and in #lobby. */
  private static void open(Chat chat) {
    browser.open(chat.url());
    awaitPage("connected in #lobby", "return status() === 'connected' && title() === '#lobby'");
  }

  /** Types {@code text} into the message box and presses Enter. */
  private static void type(String text) {
    browser.byId("input").sendKeys(text + Keys.ENTER);
  }

  /**
   * Waits until {@code condition} (JavaScript, with the helpers of {@link #PAGE}; {@code
   * arguments[0]}... are {@code arguments}) holds.
   */
  private static void awaitPage(String what, String condition, Object... arguments) {
    Await.until(what, () -> Boolean.TRUE.equals(browser.script(PAGE + condition, arguments)));
  }

  private static Object page(String expression) {
    return browser.script(PAGE + "return " + expression + ";");
  }

  /** What the tests read of the page, as the user sees it. */
  private static final String PAGE =
      """
      const text = (id) => document.getElementById(id).textContent;
      const status = () => document.getElementById('status').dataset.state;
      const title = () => text('title');
      const me = () => text('me');
      const lines = () => [...document.querySelectorAll('#messages li.said, #messages li.action')]
          .map((li) => li.dataset.from + ': ' + li.querySelector('.text').textContent);
      const count = (words) => [...document.querySelectorAll('#messages li .text')]
          .filter((span) => span.textContent === words).length;
      const shown = (words) => count(words) > 0;
      const unread = (key) => {
        const badge = document.querySelector('#sidebar li[data-key="' + key + '"] .unread');
        return badge ? badge.textContent : '';
      };
      const notice = () => document.getElementById('notice').hidden ? '' : text('notice-text');
      """;

  @SuppressWarnings("unchecked")
  private static List<String> lines() {
    return new ArrayList<>((List<String>) page("lines()"));
  }

  /** Names itself and joins #dev, as a person would by typing. */
  private static void becomeAndJoin(String name) {
    type("/nick " + name);
    awaitPage("named " + name, "return me() === '" + name + "'");
    type("/join dev");
    awaitPage(name + " in #dev", "return title() === '#dev'");
  }

  // ---- The cases -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void thePageAndNcTalkInARoomAndASecondTabShowsTheSameOrder(ModelVariant model) throws Exception {
    try (Chat chat = Chat.start(model, 0);
        Netcat carol = chat.nc("carol")) {
      browser.driver().manage().window().setSize(new Dimension(1000, 680));
      open(chat);
      String first = browser.driver().getWindowHandle();
      becomeAndJoin("alice");
      carol.send("/join dev");
      carol.expectPrefix("= joined #dev, members (2): alice, carol");

      // The page talks; nc prints it. nc answers with HTML in it; the page shows it as text.
      type("hello carol, this is a browser");
      assertThat(carol.expectPrefix("#dev <alice>"))
          .isEqualTo("#dev <alice> hello carol, this is a browser");
      String answer = "hi alice! <img src=x onerror=\"document.title='owned'\"> <b>not bold</b>";
      carol.send(answer);
      awaitPage("carol's answer", "return lines().includes('carol: ' + arguments[0])", answer);
      assertThat(page("document.querySelectorAll('#messages img, #messages b').length"))
          .isEqualTo(0L);
      assertThat(browser.title()).doesNotContain("owned");

      // A private message and a message in another room: unread marks, until looked at.
      carol.send("/msg alice psst, how is the new page?");
      carol.send("/leave dev");
      carol.send("anyone in the lobby?");
      awaitPage("unread marks", "return unread('@carol') === '1' && unread('#lobby') === '1'");
      browser.waitFor(By.cssSelector("#sidebar li[data-key='@carol']")).click();
      awaitPage(
          "the private conversation",
          "return title() === 'carol' && shown('psst, how is the new page?') && unread('@carol') === ''");
      type("it works, and it is tested in a real browser");
      assertThat(carol.expectPrefix("[alice -> carol]"))
          .isEqualTo("[alice -> carol] it works, and it is tested in a real browser");
      browser.waitFor(By.cssSelector("#sidebar li[data-key='#dev']")).click();
      carol.send("/join dev");
      awaitPage("carol back in #dev", "return count('carol joined') === 2");
      carol.send("looks good from nc too");
      type("/me waves at the camera");
      awaitPage(
          "both lines",
          "return lines().includes('carol: looks good from nc too')"
              + " && lines().includes('alice: waves at the camera')");
      // The README's picture: alice's tab in #dev, carol's HTML shown as text, an unread mark.
      Path picture = Path.of("target", "chat-web.png");
      Files.createDirectories(picture.getParent());
      browser.screenshot(picture);
      assertThat(Files.size(picture)).isGreaterThan(10_000);

      // A second tab, bob, in the same room; then the two tabs and nc talk at once.
      browser.driver().switchTo().newWindow(WindowType.TAB);
      String second = browser.driver().getWindowHandle();
      open(chat);
      becomeAndJoin("bob");
      Thread talker =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 1; i <= 10; i++) {
                      carol.send("round " + i + " from nc");
                    }
                  });
      for (int i = 1; i <= 5; i++) {
        type("round " + i + " from bob");
        browser.driver().switchTo().window(first);
        type("round " + i + " from alice");
        browser.driver().switchTo().window(second);
      }
      talker.join();
      List<String> bobSaw = roundsWhenAll(second);
      List<String> aliceSaw = roundsWhenAll(first);
      assertThat(aliceSaw).as("both tabs show one order").isEqualTo(bobSaw);
      assertThat(aliceSaw)
          .filteredOn(line -> line.startsWith("carol: "))
          .as("nc's lines in the order sent")
          .containsExactly(
              IntStream.rangeClosed(1, 10)
                  .mapToObj(i -> "carol: round " + i + " from nc")
                  .toArray(String[]::new));

      browser.driver().switchTo().window(second);
      browser.driver().close(); // bob's tab: its socket closes, the others hear it
      browser.driver().switchTo().window(first);
      awaitPage("bob gone", "return shown('bob disconnected (page closed)')");
    }
  }

  /** The "round" lines of the tab {@code window}, once it shows all 20. */
  private static List<String> roundsWhenAll(String window) {
    browser.driver().switchTo().window(window);
    Await.until(
        "20 rounds in " + window,
        () -> lines().stream().filter(line -> line.contains(": round ")).count() == 20);
    return lines().stream().filter(line -> line.contains(": round ")).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void whenTheServerGoesAwayThePageSaysSoAndReconnectsWhenItIsBack(ModelVariant model) {
    Chat chat = Chat.start(model, 0);
    int port = chat.web().localAddress().getPort();
    try {
      open(chat);
      becomeAndJoin("alice");
      chat.close();
      awaitPage(
          "the notice",
          "return status() === 'reconnecting' && notice().includes('server shutting down')"
              + " && notice().includes('Reconnecting in')");

      chat = Chat.start(model, port); // the same port, a new hub: nobody is in any room
      awaitPage(
          "reconnected as alice in #dev",
          "return status() === 'connected' && me() === 'alice' && title() === '#dev'");
      assertThat((String) page("notice()")).isIn("Reconnected.", "");
      try (Netcat dave = chat.nc("dave")) {
        dave.send("/join dev");
        assertThat(dave.expectPrefix("= joined #dev"))
            .isEqualTo("= joined #dev, members (2): alice, dave");
        dave.send("welcome back");
        awaitPage("dave's welcome", "return lines().includes('dave: welcome back')");
      }
    } finally {
      chat.close();
    }
  }
}
