package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.Browser;
import io.switchboard.testkit.ModelVariant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.WebElement;

/**
 * A real browser against the web server on each model: headless Chromium loads the built-in site's
 * page with its stylesheet and its image (all three fetched from the server, over the parallel
 * connections a browser opens), follows the link to the calculator, submits its form and reads the
 * answer, then submits a bad expression and reads where it is wrong. One browser serves every model
 * (starting Chromium is the slow part); each model gets its own server, so nothing comes from a
 * cache.
 *
 * <p>{@code iterative} is left out: a browser keeps its connections open, and a server that serves
 * one client at a time would not answer the second connection until the first closed.
 */
class BrowserTest {
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void loadsThePageAndUsesTheCalculator(ModelVariant variant) {
    assumeTrue(variant.concurrent(), "a browser opens several connections at once");
    try (Server server =
        variant.start(HttpServer.application(HttpSettings.DEFAULT), Limits.DEFAULT, 8)) {
      String base = "http://127.0.0.1:" + server.localAddress().getPort();
      browser.open(base + "/");
      assertThat(browser.title()).isEqualTo("switchboard");
      assertThat(browser.script("return getComputedStyle(document.body).backgroundColor"))
          .as("the stylesheet applies")
          .isEqualTo("rgb(247, 249, 251)");
      assertThat(
              browser.script(
                  "const img = document.getElementById('logo');"
                      + " return img.complete && img.naturalWidth;"))
          .as("the image loaded and decoded")
          .isEqualTo(96L);

      browser.byId("calc").click();
      WebElement input = browser.byId("expr");
      input.sendKeys("(1 + 2) * 3^2 / 4");
      browser.byId("compute").click();
      assertThat(browser.byId("answer").getText()).isEqualTo("6.75");
      assertThat(browser.currentUrl()).endsWith("/calc");

      browser.byId("expr").clear();
      browser.byId("expr").sendKeys("2 * (3 +");
      browser.byId("compute").click();
      assertThat(browser.byId("error").getText())
          .isEqualTo("position 9: the expression ends where a number was expected");
    }
  }
}
