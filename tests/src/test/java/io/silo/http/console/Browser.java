package io.silo.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through its own chromedriver ({@code /usr/bin/chromedriver}):
 * Selenium is never let to download a driver or a browser. The flags keep Chromium from reaching out
 * to the network (updates, sync, field trials), which on a machine without one makes it hang, and a
 * fresh profile per browser keeps runs apart.
 *
 * <p>One per test class; not thread-safe.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ChromeDriver driver;
    private final Path profile;
    private final Path screenshots;

    private Browser(ChromeDriver driver, Path profile, Path screenshots) {
        this.driver = driver;
        this.profile = profile;
        this.screenshots = screenshots;
    }

    /** Whether this machine has Debian's Chromium and chromedriver (.ci/packages installs them). */
    static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    static Browser start() {
        try {
            Path profile = Files.createTempDirectory("silo-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    "--user-data-dir=" + profile);
            Path downloads = Files.createDirectories(Path.of("target", "console-downloads"))
                    .toAbsolutePath();
            // a download lands in target/console-downloads without asking, so a test can read it
            options.setExperimentalOption(
                    "prefs",
                    java.util.Map.of(
                            "download.default_directory", downloads.toString(), "download.prompt_for_download", false));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
            Path screenshots = Files.createDirectories(Path.of("target", "console-screenshots"));
            return new Browser(driver, profile, screenshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the browser saves what it downloads. */
    static Path downloads() {
        return Path.of("target", "console-downloads").toAbsolutePath();
    }

    WebDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(By by) {
        return until(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() || !found.getFirst().isDisplayed() ? null : found.getFirst();
        });
    }

    <T> T until(Function<WebDriver, T> condition) {
        return until(WAIT, condition);
    }

    /** Waits up to {@code wait} for what takes longer than a page's answer (a job that copies databases). */
    <T> T until(Duration wait, Function<WebDriver, T> condition) {
        // a page redrawn while the condition looks leaves it holding a detached element: look again
        return new WebDriverWait(driver, wait)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition::apply);
    }

    /** Waits until the page's main region shows {@code text}. */
    void sees(String text) {
        until(d -> d.findElement(By.id("main")).getText().contains(text) ? Boolean.TRUE : null);
    }

    /** Waits until the status line (announced to screen readers) says {@code text}. */
    void says(String text) {
        until(d -> d.findElement(By.id("status")).getText().contains(text) ? Boolean.TRUE : null);
    }

    void type(String id, String text) {
        WebElement input = find(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    void width(int pixels) {
        driver.manage().window().setSize(new Dimension(pixels, 900));
    }

    /**
     * Saves the whole page at 1280 and at 375 pixels wide under target/console-screenshots (the window
     * made as tall as the page, up to 4000 pixels), then goes back to 1280 by 900.
     */
    void screenshots(String name) {
        for (int width : List.of(1280, 375)) {
            width(width);
            long height =
                    (Long) driver.executeScript("window.scrollTo(0, 0); return document.documentElement.scrollHeight;");
            driver.manage().window().setSize(new Dimension(width, (int) Math.min(4000, Math.max(900, height))));
            try {
                Files.write(screenshots.resolve(name + "-" + width + ".png"), driver.getScreenshotAs(OutputType.BYTES));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        width(1280);
    }

    /**
     * Runs axe-core (the WebJar) on the page as it is and answers its serious and critical findings,
     * each as "rule: target". The script goes in through the driver, which the page's CSP does not govern.
     */
    @SuppressWarnings("unchecked")
    List<String> seriousAccessibilityFindings() {
        JavascriptExecutor js = driver;
        js.executeScript(axe());
        Object result = js.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
                + "  done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })"
                + "    .map(function (v) { return v.id + ': ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', '); }));"
                + "}, function (e) { done(['axe failed: ' + e]); });");
        return new ArrayList<>((List<String>) result);
    }

    private static String axe() {
        try (InputStream in = Browser.class.getResourceAsStream(
                "/META-INF/resources/webjars/axe-core/" + axeVersion() + "/axe.min.js")) {
            assertThat(in).as("axe-core's WebJar on the test class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String axeVersion() {
        try (InputStream in =
                Browser.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a profile left in the temporary folder harms nothing
            }
        }
    }
}
