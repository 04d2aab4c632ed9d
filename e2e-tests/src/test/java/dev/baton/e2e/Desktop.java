package dev.baton.e2e;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import org.awaitility.core.ConditionTimeoutException;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;

/**
 * One agent's desktop in a headless Chromium: the system's {@code /usr/bin/chromium} driven by its
 * {@code /usr/bin/chromedriver} (Debian's {@code chromium} and {@code chromium-driver}; test.sh
 * installs them), both named explicitly so that Selenium Manager never downloads anything. Elements
 * are found by their {@code data-testid}.
 */
final class Desktop implements AutoCloseable {
  static final String CHROMIUM = System.getProperty("baton.chromium", "/usr/bin/chromium");
  static final String CHROMEDRIVER = System.getProperty("baton.chromedriver", "/usr/bin/chromedriver");
  /** A laptop's screen: what the desktop must be readable on. */
  static final Dimension LAPTOP = new Dimension(1366, 768);

  private final ChromeDriver driver;
  private final Path profile;
  private final String name;

  Desktop(String name) {
    this.name = name;
    if (!new File(CHROMEDRIVER).canExecute() || !new File(CHROMIUM).canExecute()) {
      throw new IllegalStateException(CHROMIUM + " or " + CHROMEDRIVER
          + " is missing: install Debian's chromium and chromium-driver (./test.sh does)");
    }
    try {
      profile = Files.createTempDirectory("baton-chromium-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile,
        "--window-size=" + LAPTOP.getWidth() + "," + LAPTOP.getHeight());
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort()
        .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().implicitlyWait(Duration.ZERO);
  }

  String name() {
    return name;
  }

  WebDriver driver() {
    return driver;
  }

  static By testId(String id) {
    return By.cssSelector("[data-testid=\"" + id + "\"]");
  }

  static By row(String conversationId) {
    return By.cssSelector("[data-testid=\"queue-row\"][data-conversation-id=\"" + conversationId + "\"]");
  }

  /** Opens the page and signs in with the token; waits until the stream is live. */
  void signIn(String url, String token) {
    driver.get(url);
    find(testId("token-input")).sendKeys(token);
    find(testId("sign-in")).click();
    try {
      await(name + " signed in").atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> "live".equals(find(testId("connection")).getDomAttribute("data-state")));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(name + " could not sign in; the page says: '" + text("login-error") + "', stream: '"
          + text("connection") + "'", e);
    }
  }

  WebElement find(By by) {
    return driver.findElement(by);
  }

  List<WebElement> all(By by) {
    return driver.findElements(by);
  }

  Optional<WebElement> maybe(By by) {
    return all(by).stream().findFirst();
  }

  String text(String testId) {
    return find(testId(testId)).getText();
  }

  void click(String testId) {
    find(testId(testId)).click();
  }

  /** Waits until an element is there, then clicks it. */
  void awaitAndClick(By by, Duration timeout) {
    await(name + " clicks " + by).atMost(timeout).ignoreExceptions().until(() -> {
      find(by).click();
      return true;
    });
  }

  /** Types into an element: text and keys ({@code Keys.ENTER} sends in the composer). */
  void type(String testId, CharSequence... keys) {
    find(testId(testId)).sendKeys(keys);
  }

  /** Whether a {@code <dialog>} is open (shown modal). */
  boolean dialogOpen(String testId) {
    return Boolean.parseBoolean(find(testId(testId)).getDomProperty("open"));
  }

  void select(String testId, String value) {
    new Select(find(testId(testId))).selectByValue(value);
  }

  Object script(String js, Object... args) {
    return driver.executeScript(js, args);
  }

  String title() {
    return driver.getTitle();
  }

  /** A PNG of the page as the agent sees it, kept with the test's artifacts. */
  Path screenshot(Path dir, String file) {
    try {
      Files.createDirectories(dir);
      Path target = dir.resolve(file);
      Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What the page logged at SEVERE other than failed requests (a refused action is a 409 the page
   * shows; it is not an error of the page): script errors, CSP violations.
   */
  List<String> pageErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(m -> !m.contains("Failed to load resource"))
        .toList();
  }

  @Override
  public String toString() {
    return name + "'s desktop";
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      deleteQuietly(profile);
    }
  }

  /** The profile is scratch in the temp directory: one left behind is reported, not a failure. */
  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
