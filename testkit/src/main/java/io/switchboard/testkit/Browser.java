package io.switchboard.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser for tests: Debian's headless Chromium, driven through Debian's chromedriver with
 * Selenium's WebDriver client (both installed by {@code tools/ensure-packages} from {@code
 * tools/test-packages}). Each browser gets a fresh profile directory, deleted when it closes, and
 * the flags that keep Chromium from reaching for the network on its own (this machine's network is
 * closed, and it would refuse Chromium's connections otherwise). It opens pages, finds elements,
 * runs JavaScript, and takes screenshots (the README's pictures come from here).
 *
 * <p>Thread contract: one thread at a time, like the WebDriver session it wraps.
 */
public final class Browser implements AutoCloseable {
  /** What Chromium needs to run headless as root on a machine with no network and no GPU. */
  static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-dev-shm-usage",
          "--window-size=1024,768");

  private final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts a headless Chromium with a fresh profile. */
  public static Browser start() {
    Path profile;
    try {
      profile = Files.createTempDirectory("switchboard-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(onPath("chromium").toFile());
    options.addArguments(FLAGS);
    options.addArguments("--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(onPath("chromedriver").toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Await.DEFAULT);
    driver.manage().timeouts().scriptTimeout(Await.DEFAULT);
    return new Browser(driver, profile);
  }

  /** Where {@code command} is on the PATH; the test packages put Chromium and its driver there. */
  static Path onPath(String command) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(directory, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        command + " is not on the PATH: run tools/ensure-packages (see tools/test-packages)");
  }

  /** Loads {@code url} and waits until the page (its stylesheets and images) has loaded. */
  public Browser open(String url) {
    driver.get(url);
    return this;
  }

  /** The element with id {@code id}, waiting for it to appear (say, after a form submits). */
  public WebElement byId(String id) {
    return waitFor(By.id(id));
  }

  /** The first element {@code by} finds, waiting for it to appear. */
  public WebElement waitFor(By by) {
    Await.until(
        "an element " + by + " on " + driver.getCurrentUrl(),
        () -> !driver.findElements(by).isEmpty());
    return driver.findElement(by);
  }

  /** Runs {@code script} in the page and returns its value (WebDriver's mapping of JS values). */
  public Object script(String script, Object... arguments) {
    return ((JavascriptExecutor) driver).executeScript(script, arguments);
  }

  public String title() {
    return driver.getTitle();
  }

  public String currentUrl() {
    return driver.getCurrentUrl();
  }

  /** A PNG of the viewport, written to {@code file}. */
  public Path screenshot(Path file) {
    try {
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The WebDriver session itself, for what this class does not wrap. */
  public ChromeDriver driver() {
    return driver;
  }

  /** Ends the browser and deletes its profile. */
  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // a temporary profile: what is left is the system's to clean
      }
    }
  }

  /** How long a page may take before a test gives up on it. */
  public static Duration pageDeadline() {
    return Await.DEFAULT;
  }
}
