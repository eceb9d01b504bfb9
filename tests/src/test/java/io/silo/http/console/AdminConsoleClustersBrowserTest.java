package io.silo.http.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

/**
 * The admin console's cluster work in real Chromium, against two real PostgreSQL servers: a tenant
 * moved to the other cluster from its page (the job followed live, then its method and fence shown);
 * the clusters page with each server's version, what is placed on it and its connections against
 * the budget; a cluster registered, stopped and resumed, then removed once its id is typed out; a
 * cluster that keeps tenant databases refused removal with the reason shown; and a cluster drained,
 * its drain's progress followed on the page; the tenant backed up from its page, the archive
 * downloaded with the administrator's token, and the downloaded file restored as a new organization. Both pages are saved at 1280 and 375 pixels wide and
 * checked with axe-core.
 *
 * <p>One Silo with two clusters and one browser for the class, the methods in order (a move takes
 * seconds; each method builds on the last).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminConsoleClustersBrowserTest {
    /** A move or a drain copies databases: seconds on an idle machine, more on a shared one. */
    private static final Duration MOVE = Duration.ofSeconds(120);

    private static TestSilo silo;
    private static Browser browser;
    private static SiloClient admin;
    private static TestTenant tenant;

    @BeforeAll
    static void start() {
        assumeThat(Browser.installed())
                .as("Debian's chromium and chromium-driver (.ci/packages)")
                .isTrue();
        silo = TestSilo.start(2, Map.of());
        admin = silo.client().asAdmin();
        tenant = TestTenants.create(silo.client(), "Mover Shop", List.of("billing"), Map.of("cluster", "primary"));
        browser = Browser.start();
        browser.open(silo.uri() + "/admin/");
        browser.type("email", TestSilo.ADMIN_EMAIL);
        browser.type("password", TestSilo.ADMIN_PASSWORD);
        browser.find(By.cssSelector("form button[type=submit]")).click();
        browser.sees("Tenants by status");
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (silo != null) {
                silo.close();
            }
        }
    }

    @Test
    @Order(1)
    void movesATenantToTheOtherClusterAndSaysHowAndHowLongWritesWereRefused() {
        go("#/tenant/" + tenant.slug());
        browser.sees("Move to another cluster");
        new Select(browser.find(By.id("move-cluster"))).selectByValue("secondary");
        browser.find(By.id("move")).click();
        browser.until(MOVE, d -> d.findElement(By.id("move-progress")).getText().contains("succeeded") ? true : null);

        JsonNode job = admin.get("/api/admin/jobs?kind=organization.move")
                .json()
                .path("items")
                .get(0);
        JsonNode move =
                admin.get("/api/admin/jobs/" + job.path("id").asString()).json().path("move");
        String method = move.path("method").asString();
        assertThat(browser.find(By.id("move-method-used")).getText())
                .isEqualTo(method.equals("logical") ? "logical replication" : "copy under the fence");
        assertThat(browser.find(By.id("move-fence")).getText())
                .isEqualTo(move.path("fenceMs").asLong() + " ms");
        int tables = 0;
        for (JsonNode service : move.path("counts")) {
            tables += service.size();
        }
        assertThat(tables).isPositive();
        assertThat(browser.find(By.id("move-progress")).getText())
                .contains("To\nsecondary", "Rows verified on both sides: " + tables + " tables");
        assertThat(browser.find(By.id("move-where")).getText()).isEqualTo("Now on secondary.");
        // the databases card follows the switch without a reload
        browser.until(d -> d.findElement(By.id("tenant-databases")).getText().contains("primary") ? null : true);
        browser.screenshots("tenant-moved");
        checkAccessibility("a tenant's page after a move");
    }

    @Test
    @Order(2)
    void showsEachClustersVersionWhatIsPlacedThereAndItsConnections() {
        go("#/clusters");
        String version = TestPostgres.secondary()
                .admin()
                .query("SHOW server_version", row -> row.getString(1))
                .getFirst();
        browser.until(d ->
                d.findElement(By.id("cl-version-secondary")).getText().equals("PostgreSQL " + version) ? true : null);
        // core and billing of the one tenant moved there
        browser.until(d ->
                d.findElement(By.id("cl-figures-secondary")).getText().equals("1 tenant · 2 databases") ? true : null);
        browser.until(d ->
                d.findElement(By.id("cl-figures-primary")).getText().equals("0 tenants · 0 databases") ? true : null);
        JsonNode budget =
                admin.get("/api/admin/clusters").json().path("clusters").get(0);
        assertThat(browser.find(By.id("cl-connections-" + budget.path("id").asString()))
                        .getText())
                .contains(" of " + budget.path("connectionBudget").asInt());
    }

    @Test
    @Order(3)
    void registersAClusterStopsAndResumesItThenRemovesItOnceItsIdIsTypedOut() {
        TestPostgres server = TestPostgres.secondary();
        browser.type("cl-id", "spare");
        browser.type("cl-url", server.url("postgres"));
        browser.type("cl-user", server.user());
        browser.type("cl-password", server.password());
        browser.find(By.id("cl-accepting")).click();
        button("Check and register").click();
        browser.says("Registered spare.");
        browser.find(By.cssSelector("[data-cluster=spare]"));
        assertThat(admin.get("/api/admin/clusters/health").text()).contains("spare");
        assertThat(clusterStatus("spare")).isEqualTo("draining");

        acceptingButton("spare", "Accept tenants").click();
        browser.says("spare accepts tenants again.");
        assertThat(clusterStatus("spare")).isEqualTo("active");
        acceptingButton("spare", "Stop accepting tenants").click();
        browser.says("spare no longer accepts tenants.");
        assertThat(clusterStatus("spare")).isEqualTo("draining");
        acceptingButton("spare", "Accept tenants");

        WebElement remove = browser.find(By.id("cl-remove-spare"));
        browser.type("cl-remove-confirm-spare", "spar");
        assertThat(remove.isEnabled()).isFalse();
        browser.type("cl-remove-confirm-spare", "spare");
        browser.until(d -> remove.isEnabled() ? true : null);
        remove.click();
        browser.says("Removed spare.");
        browser.until(
                d -> d.findElements(By.cssSelector("[data-cluster=spare]")).isEmpty() ? true : null);
        assertThat(admin.get("/api/admin/clusters").text()).doesNotContain("\"spare\"");
    }

    @Test
    @Order(4)
    void aClusterThatKeepsTenantDatabasesIsNotRemovedAndTheConsoleSaysWhy() {
        browser.type("cl-remove-confirm-secondary", "secondary");
        browser.find(By.id("cl-remove-secondary")).click();
        browser.until(d -> d.findElement(By.cssSelector("[data-cluster=secondary] [role=alert]"))
                        .getText()
                        .contains("Not removed: secondary is in use by 2 tenant databases")
                ? true
                : null);
        assertThat(admin.get("/api/admin/clusters").text()).contains("\"secondary\"");
    }

    @Test
    @Order(5)
    void drainsAClusterAndFollowsTheDrain() {
        browser.find(By.id("cl-drain-secondary")).click();
        browser.says("Draining secondary");
        browser.until(
                MOVE, d -> d.findElement(By.id("cluster-drains")).getText().contains("succeeded") ? true : null);
        JsonNode drain = admin.get("/api/admin/jobs?kind=cluster.drain")
                .json()
                .path("items")
                .get(0);
        assertThat(drain.path("state").asString()).isEqualTo("succeeded");
        assertThat(browser.find(By.cssSelector("#cluster-drains progress")).getAttribute("value"))
                .isEqualTo(String.valueOf(drain.path("stepsDone").asInt()));
        // the clusters are drawn again once the drain ended: the tenant is back on primary
        browser.until(d ->
                d.findElement(By.id("cl-figures-primary")).getText().equals("1 tenant · 2 databases") ? true : null);
        assertThat(clusterStatus("secondary")).isEqualTo("draining");
        browser.screenshots("clusters-drained");
        checkAccessibility("the clusters page");
    }

    /** The cluster's button once the page shows it as the cluster now is (the cards are redrawn after a change). */
    private static WebElement acceptingButton(String cluster, String text) {
        return browser.until(d -> {
            WebElement button = d.findElement(By.id("cl-accepting-" + cluster));
            return button.getText().equals(text) ? button : null;
        });
    }

    @Test
    @Order(6)
    void backsUpTheTenantDownloadsTheArchiveAndRestoresTheDownloadedFileAsACopy() throws Exception {
        go("#/tenant/" + tenant.slug());
        browser.find(By.id("backup-create")).click();
        browser.until(
                MOVE, d -> d.findElement(By.id("backup-progress")).getText().contains("succeeded") ? true : null);
        JsonNode archive = admin.get("/api/admin/organizations/" + tenant.slug() + "/backups")
                .json()
                .path("items")
                .get(0);
        String name = archive.path("name").asString();
        browser.until(d -> d.findElement(By.id("tenant-backups")).getText().contains(name) ? true : null);

        Path saved = Browser.downloads().resolve(name);
        Files.deleteIfExists(saved);
        browser.find(By.cssSelector("button[aria-label='Download " + name + "']"))
                .click();
        browser.says("Downloaded " + name + " (" + archive.path("bytes").asLong() + " bytes).");
        browser.until(d -> Files.isRegularFile(saved)
                        && size(saved) == archive.path("bytes").asLong()
                ? true
                : null);

        browser.type("restore-as", "mover-copy");
        browser.find(By.id("restore-file")).sendKeys(saved.toString());
        browser.find(By.id("restore-file-go")).click();
        browser.until(
                MOVE,
                d -> d.findElement(By.id("backup-progress")).getText().contains("organization.restore")
                                && d.findElement(By.id("backup-progress"))
                                        .getText()
                                        .contains("succeeded")
                        ? true
                        : null);
        assertThat(admin.get("/api/organizations/mover-copy")
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("active");
        browser.screenshots("tenant-backups");
        checkAccessibility("a tenant's backups");
        browser.find(By.id("restored-link")).click();
        browser.until(d -> d.findElement(By.tagName("h1")).getText().startsWith("Mover Shop") ? true : null);
        browser.sees("mover-copy");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static String clusterStatus(String id) {
        for (JsonNode cluster : admin.get("/api/admin/clusters").json().path("clusters")) {
            if (cluster.path("id").asString().equals(id)) {
                return cluster.path("status").asString();
            }
        }
        return "absent";
    }

    private static void go(String hash) {
        ((JavascriptExecutor) browser.driver()).executeScript("location.hash = arguments[0]", hash);
    }

    private static void checkAccessibility(String page) {
        assertThat(browser.seriousAccessibilityFindings())
                .as("serious or critical axe-core findings on " + page)
                .isEmpty();
    }

    private static WebElement button(String text) {
        return browser.find(By.xpath("//main//button[normalize-space()='" + text + "']"));
    }
}
