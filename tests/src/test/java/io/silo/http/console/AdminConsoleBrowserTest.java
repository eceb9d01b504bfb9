package io.silo.http.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

/**
 * The admin console in real Chromium, as an operator uses it: signs in, creates a tenant with two
 * services, finds and opens it, adds a user to one service, tests that user's sign-in, suspends the
 * tenant, watches a job and cancels it, deletes the tenant; shows a hostile organization name as
 * text; enrolls a second administrator's authenticator app and signs in with its code; keeps the
 * focus on a list asked again every two seconds while nothing in it changed; and has no serious or
 * critical accessibility findings on any page. Each page is saved as a
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

    private static final String SLUG = "console-shop";
    private static final String MEMBER = "mia@console-shop.example";
    private static final String MEMBER_PASSWORD = "mia-password-123";

    @Test
    @Order(3)
    void createsATenantWithTwoServicesThenFindsAndOpensIt() {
        go("#/new-tenant");
        browser.find(By.id("nt-name"));
        browser.screenshots("tenant-create");
        checkAccessibility("the creation form");
        browser.type("nt-name", "Console Shop");
        browser.type("nt-slug", SLUG);
        browser.type("nt-services", "billing, crm");
        browser.type("nt-quotas", "maxUsers=20");
        browser.type("nt-admin-email", "boss@console-shop.example");
        browser.type("nt-admin-name", "Boss");
        browser.type("nt-admin-password", "boss-password-123");
        button("Create").click();
        browser.sees("Databases");
        browser.until(d -> d.findElement(By.id("main")).getText().contains("crm_") ? true : null);

        go("#/tenants");
        browser.type("tenant-q", "console");
        button("Search").click();
        browser.until(d -> d.getCurrentUrl().contains("q=console") ? true : null);
        browser.find(By.linkText("Console Shop"));
        browser.screenshots("tenants");
        checkAccessibility("the tenant list");
        // the hostile organization has billing only: filtered by crm, only the new one is left
        go("#/tenants?service=crm");
        browser.until(d -> "crm".equals(d.findElement(By.id("tenant-service")).getAttribute("value")) ? true : null);
        browser.find(By.linkText("Console Shop"));
        assertThat(browser.find(By.id("tenant-list")).getText()).doesNotContain(HOSTILE_NAME);
        browser.find(By.linkText("Console Shop")).click();
        browser.sees("Registry");
        browser.sees(SLUG);
        assertThat(browser.find(By.id("main")).getText()).contains("billing", "crm");
    }

    @Test
    @Order(4)
    void addsAUserToOneServiceOfTheTenant() {
        go("#/tenant/" + SLUG);
        browser.sees("Add user");
        browser.type("nu-email", MEMBER);
        browser.type("nu-name", "Mia");
        browser.type("nu-password", MEMBER_PASSWORD);
        new org.openqa.selenium.support.ui.Select(browser.find(By.id("nu-service"))).selectByVisibleText("crm");
        browser.type("nu-role", "manager");
        browser.find(By.id("nu-add")).click();
        browser.sees(MEMBER);
        browser.sees("crm: manager");
        // and changes her role there, as a bulk change of the users ticked
        browser.find(By.cssSelector("input[data-user='" + MEMBER + "']")).click();
        new org.openqa.selenium.support.ui.Select(browser.find(By.id("bulk-service"))).selectByVisibleText("crm");
        browser.type("bulk-role", "user");
        browser.find(By.id("bulk-set-role")).click();
        browser.says("1 changed, 0 refused");
        browser.sees("crm: user");
        browser.screenshots("tenant");
        checkAccessibility("the tenant's page");

        JsonNode users = admin.get("/api/admin/organizations/" + SLUG + "/users?service=crm")
                .json()
                .path("items");
        assertThat(users.toString()).contains(MEMBER);
    }

    @Test
    @Order(5)
    void theAuthenticationTesterTellsTheMembersServicesAndRoles() {
        go("#/auth-test");
        browser.type("at-org", SLUG);
        browser.type("at-login", MEMBER);
        browser.type("at-password", MEMBER_PASSWORD);
        button("Test").click();
        browser.sees("Signs in");
        assertThat(browser.find(By.id("at-result")).getText()).contains("crm", "user");
        browser.screenshots("auth-tester");
        checkAccessibility("the authentication tester");

        browser.type("at-password", "not her password");
        button("Test").click();
        browser.sees("Refused: invalid-credentials");
    }

    @Test
    @Order(6)
    void suspendsTheTenantWithAReason() {
        go("#/tenant/" + SLUG);
        browser.type("status-reason", "unpaid invoices");
        browser.find(By.id("suspend")).click();
        browser.find(By.id("activate"));
        assertThat(admin.get("/api/organizations/" + SLUG).json().path("status").asString())
                .isEqualTo("suspended");
        assertThat(browser.find(By.tagName("h1")).getText()).contains("suspended");
    }

    @Test
    @Order(7)
    void watchesAJobsProgressAndCancelsIt() {
        // a job of a kind no worker runs, due in an hour: the test moves its progress as a worker would
        UUID id = UUID.randomUUID();
        silo.control()
                .update(
                        "INSERT INTO jobs (id, kind, state, steps, run_after) VALUES (?, 'console.watch', 'pending',"
                                + " '[\"copy\", \"verify\"]', now() + interval '1 hour')",
                        id);
        go("#/job/" + id);
        browser.sees("0 of 2 steps");
        silo.control().update("UPDATE jobs SET next_step = 1 WHERE id = ?", id);
        browser.sees("1 of 2 steps");
        WebElement progress = browser.find(By.cssSelector("#main progress"));
        assertThat(progress.getAttribute("value")).isEqualTo("1");
        assertThat(progress.getAttribute("max")).isEqualTo("2");
        browser.screenshots("job");
        checkAccessibility("a job's page");
        browser.find(By.id("job-cancel")).click();
        browser.sees("cancelled");
        assertThat(admin.get("/api/admin/jobs/" + id).json().path("state").asString())
                .isEqualTo("cancelled");
    }

    @Test
    @Order(8)
    void deletesTheTenantOnlyOnceItsSlugIsTypedOut() {
        go("#/tenant/" + SLUG);
        WebElement delete = browser.find(By.id("delete"));
        assertThat(delete.isEnabled()).isFalse();
        browser.type("delete-confirm", "console-sho");
        assertThat(delete.isEnabled()).isFalse();
        browser.type("delete-confirm", SLUG);
        browser.until(d -> delete.isEnabled() ? true : null);
        delete.click();
        browser.until(d -> admin.get("/api/organizations/" + SLUG).status() == 404 ? true : null);
    }

    @Test
    @Order(9)
    void everyOtherPageIsSavedAndHasNoSeriousAccessibilityFinding() {
        for (String[] page : List.of(
                new String[] {"#/clusters", "Register a cluster", "clusters"},
                new String[] {"#/jobs", "tenant.provision", "jobs"},
                new String[] {"#/audit", "tenant.create", "audit"},
                new String[] {"#/mail", "Mail outbox", "mail"},
                new String[] {"#/overview", "Largest tenants by storage", "overview-later"})) {
            go(page[0]);
            browser.sees(page[1]);
            browser.screenshots(page[2]);
            checkAccessibility(page[0]);
        }
    }

    @Test
    @Order(10)
    void aSessionTheServerEndedSignsTheConsoleOut() {
        go("#/overview");
        browser.sees("Tenants by status");
        // the administrator disabled by an operator: its token is refused within a second
        silo.control().update("UPDATE platform_admins SET status = 'disabled' WHERE email = ?", TestSilo.ADMIN_EMAIL);
        try {
            browser.until(d -> {
                go(d.getCurrentUrl().endsWith("#/jobs") ? "#/audit" : "#/jobs");
                return d.findElement(By.id("main")).getText().contains("Your session ended") ? true : null;
            });
            assertThat(browser.driver().findElement(By.id("nav")).isDisplayed()).isFalse();
            assertThat(browser.driver().findElements(By.id("password"))).hasSize(1);
        } finally {
            silo.control().update("UPDATE platform_admins SET status = 'active' WHERE email = ?", TestSilo.ADMIN_EMAIL);
        }
    }

    @Test
    @Order(11)
    void theConsolesFilesForbidInlineScriptAndUnknownFilesAreNotFound() {
        SiloClient.Response page = admin.get("/admin/");
        assertThat(page.status()).isEqualTo(200);
        String policy = page.header("Content-Security-Policy").orElseThrow();
        assertThat(policy)
                .contains("script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe");
        assertThat(page.text()).doesNotContain("<script>").contains("src=\"/admin/console.js\"");
        SiloClient.Response missing = admin.get("/admin/secrets.js");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.problemType()).isEqualTo("route-not-found");
    }

    @Test
    @Order(12)
    void enrollsTheAdministratorsAuthenticatorAndSignsInWithItsCode() {
        String email = "console-totp@silo.test";
        String password = "console-totp-password-1";
        new io.silo.postgres.control.PlatformAdminStore(silo.control())
                .createIfAbsent(
                        UUID.randomUUID(),
                        email,
                        "Second operator",
                        io.silo.crypto.PasswordHasher.argon2id(4096, 1, 1)
                                .hash(password, io.silo.crypto.PasswordHasher.Claimant.SILO));
        signIn(email, password);
        go("#/account");
        browser.find(By.id("totp-begin")).click();
        String secret = browser.find(By.id("totp-secret")).getText().replace(" ", "");
        assertThat(browser.find(By.id("totp-uri")).getText())
                .startsWith("otpauth://totp/")
                .contains("secret=" + secret);
        browser.screenshots("account-totp");
        checkAccessibility("the enrollment of an authenticator");
        io.silo.crypto.Totp totp = io.silo.crypto.Totp.ofBase32(secret);
        long step = io.silo.crypto.Totp.step(java.time.Instant.now());
        browser.type("totp-code", totp.code(step));
        browser.find(By.id("totp-confirm")).click();
        browser.says("Two-factor sign-in is on.");
        assertThat(browser.driver().findElements(By.cssSelector("#totp-recovery li")))
                .hasSize(10);
        checkAccessibility("the recovery codes");

        browser.find(By.id("sign-out")).click();
        browser.type("email", email);
        browser.type("password", password);
        browser.find(By.cssSelector("form button[type=submit]")).click();
        // the confirming code is spent: the next step's is within the one step of drift allowed
        browser.type("totp", totp.code(step + 1));
        browser.find(By.cssSelector("form button[type=submit]")).click();
        // signed in again, the console shows the page it was on
        browser.until(d -> d.findElement(By.id("who")).getText().equals(email) ? true : null);
        browser.find(By.id("totp-begin")).click();
        browser.until(d -> d.findElement(By.id("totp-state")).getText().contains("is on") ? true : null);
    }

    @Test
    @Order(13)
    void aListAskedAgainEverySecondsKeepsTheFocusAndIsNotRedrawnWhileNothingChanged() {
        go("#/jobs?state=cancelled");
        WebElement link = browser.find(By.linkText("console.watch"));
        org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) browser.driver();
        // counts the console's requests for the list, and marks the table as drawn now
        js.executeScript("window.jobsAsked = 0; var f = window.fetch; window.fetch = function (u, o) {"
                + " if (String(u).indexOf('/api/admin/jobs?') === 0) { window.jobsAsked++; } return f(u, o); };"
                + " document.querySelector('#main table').setAttribute('data-drawn', 'before');");
        js.executeScript("arguments[0].focus();", link);
        browser.until(d -> ((Number) js.executeScript("return window.jobsAsked;")).intValue() >= 2 ? true : null);
        assertThat(js.executeScript("return document.querySelector('#main table').getAttribute('data-drawn');"))
                .as("the same table, not a redrawn one")
                .isEqualTo("before");
        assertThat(browser.driver().switchTo().activeElement()).isEqualTo(link);
    }

    private void signIn(String email, String password) {
        browser.open(silo.uri() + "/admin/");
        browser.type("email", email);
        browser.type("password", password);
        browser.find(By.cssSelector("form button[type=submit]")).click();
        browser.sees("Tenants by status");
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
