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
 * its drain's progress followed on the page, the drain naming its cluster; each database's live
 * connectivity on the tenant's page, a cluster that is down shown on its rows while "Test again"
 * keeps the focus; a run-time cluster's labels, capacity and budget edited and its administrator
 * password rotated; the tenant backed up from its page, the archive downloaded with the
 * administrator's token, the downloaded file restored as a new organization, and the listed archive
 * restored in the tenant's place once its slug is typed out. The pages are saved at 1280 and 375
 * pixels wide and checked with axe-core.
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
    void checksEachDatabaseOfTheTenantAndShowsOneWhoseClusterIsDownOnItsRow() {
        // the tenant is on secondary since the move
        String version = TestPostgres.secondary()
                .admin()
                .query("SHOW server_version", row -> row.getString(1))
                .getFirst();
        browser.until(d ->
                d.findElement(By.id("tenant-databases")).getText().contains("PostgreSQL " + version) ? true : null);
        assertThat(browser.driver().findElements(By.cssSelector("#tenant-databases [data-connectivity] .s-up")))
                .hasSize(2);
        String url = silo.control()
                .queryOne("SELECT jdbc_url FROM clusters WHERE id = 'secondary'", row -> row.getString(1))
                .orElseThrow();
        // the registry says secondary is where nothing answers: the check reports it per database, not a 500
        silo.control()
                .update(
                        "UPDATE clusters SET jdbc_url = 'jdbc:postgresql://127.0.0.1:1/postgres' WHERE id = 'secondary'");
        try {
            WebElement again = browser.find(By.id("connectivity-again"));
            again.click();
            browser.until(
                    d -> d.findElement(By.id("connectivity-status")).getText().startsWith("2 of 2 do not answer")
                            ? true
                            : null);
            assertThat(browser.find(By.id("tenant-databases")).getText()).contains("cannot reach");
            assertThat(browser.driver().findElements(By.cssSelector("#tenant-databases [data-connectivity] .s-down")))
                    .hasSize(2);
            assertThat(browser.driver().switchTo().activeElement().getAttribute("id"))
                    .as("the button keeps the focus while the table is redrawn")
                    .isEqualTo("connectivity-again");
            browser.screenshots("tenant-connectivity-down");
            checkAccessibility("a tenant's page with a cluster down");
        } finally {
            silo.control().update("UPDATE clusters SET jdbc_url = ? WHERE id = 'secondary'", url);
        }
        browser.find(By.id("connectivity-again")).click();
        browser.until(
                d -> d.findElement(By.id("connectivity-status")).getText().startsWith("All 2 answer") ? true : null);
    }

    @Test
    @Order(3)
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
    @Order(4)
    void registersAClusterStopsAndResumesItThenRemovesItOnceItsIdIsTypedOut() {
        TestPostgres server = TestPostgres.secondary();
        // a role of its own, so that rotating spare's password leaves the test server's superuser alone
        server.admin()
                .update("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'silo_console_admin') THEN"
                        + " CREATE ROLE silo_console_admin LOGIN CREATEDB CREATEROLE PASSWORD 'console-admin-password';"
                        + " END IF; END $$");
        server.admin().update("GRANT CONNECT ON DATABASE postgres TO silo_console_admin");
        browser.type("cl-id", "spare");
        browser.type("cl-url", server.url("postgres"));
        browser.type("cl-user", "silo_console_admin");
        browser.type("cl-password", "console-admin-password");
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

        // a value with a space: pairs split at commas only, spaces around '=' dropped
        browser.type("cl-labels-spare", "region = eu west, tier=gold");
        browser.type("cl-capacity-spare", "1200");
        browser.type("cl-budget-spare", "40");
        browser.find(By.id("cl-save-spare")).click();
        browser.says("Saved spare.");
        browser.until(
                d -> d.findElement(By.id("cl-labels-shown-spare")).getText().equals("region=eu west, tier=gold")
                        ? true
                        : null);
        assertThat(browser.find(By.id("cl-capacity-shown-spare")).getText()).isEqualTo("1200 databases");
        JsonNode spare = cluster("spare");
        assertThat(spare.path("labels").path("region").asString()).isEqualTo("eu west");
        assertThat(spare.path("labels").path("tier").asString()).isEqualTo("gold");
        assertThat(spare.path("capacity").asInt()).isEqualTo(1200);
        assertThat(spare.path("connectionBudget").asInt()).isEqualTo(40);
        browser.screenshots("clusters-settings");
        // a Save of the capacity alone leaves the labels as they are (regression: it sent them re-read from
        // the field split at spaces, and "eu west" became a label "eu" and a label "west")
        browser.until(
                d -> d.findElement(By.id("cl-capacity-shown-spare")).getText().equals("1200 databases") ? true : null);
        browser.type("cl-capacity-spare", "1300");
        browser.find(By.id("cl-save-spare")).click();
        browser.until(
                d -> d.findElement(By.id("cl-capacity-shown-spare")).getText().equals("1300 databases") ? true : null);
        assertThat(cluster("spare").path("labels").propertyNames()).containsExactlyInAnyOrder("region", "tier");
        assertThat(cluster("spare").path("labels").path("region").asString()).isEqualTo("eu west");

        assertThat(browser.driver().findElements(By.id("cl-rotate-primary")))
                .as("a cluster of the configuration has its credentials from the file")
                .isEmpty();
        browser.find(By.id("cl-rotate-spare")).click();
        browser.says("Gave spare a new administrator password");
        assertThat(silo.control()
                        .query(
                                "SELECT count(*) FROM audit_log WHERE action = 'cluster.rotate-password'"
                                        + " AND target_id = 'spare'",
                                row -> row.getLong(1)))
                .containsExactly(1L);
        boolean reachable = false;
        for (JsonNode probe : admin.get("/api/admin/clusters/health").json().path("clusters")) {
            reachable |= probe.path("id").asString().equals("spare")
                    && probe.path("reachable").asBoolean();
        }
        assertThat(reachable).as("spare answers with its new password").isTrue();

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
    @Order(5)
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
    @Order(6)
    void drainsAClusterAndFollowsTheDrain() {
        browser.find(By.id("cl-drain-secondary")).click();
        browser.says("Draining secondary");
        browser.until(
                MOVE, d -> d.findElement(By.id("cluster-drains")).getText().contains("succeeded") ? true : null);
        assertThat(browser.find(By.cssSelector("#cluster-drains tbody tr td")).getText())
                .as("the drain names its cluster")
                .isEqualTo("secondary");
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
    @Order(7)
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

    @Test
    @Order(8)
    void replacesTheTenantWithItsListedArchiveOnlyOnceItsSlugIsTypedOut() {
        go("#/tenant/" + tenant.slug());
        browser.sees("Backups");
        String before = admin.get("/api/organizations/" + tenant.slug())
                .json()
                .path("id")
                .asString();
        String name = admin.get("/api/admin/organizations/" + tenant.slug() + "/backups")
                .json()
                .path("items")
                .get(0)
                .path("name")
                .asString();
        WebElement restore = browser.find(By.cssSelector("button[aria-label='Restore " + name + "']"));
        browser.find(By.id("restore-replace")).click();
        assertThat(restore.isEnabled()).isFalse();
        browser.type("restore-confirm", tenant.slug().substring(1));
        assertThat(restore.isEnabled()).isFalse();
        browser.type("restore-confirm", tenant.slug());
        browser.until(d -> restore.isEnabled() ? true : null);
        browser.screenshots("tenant-replace");
        checkAccessibility("a tenant's restore, replacing");
        restore.click();
        browser.until(
                MOVE,
                d -> d.findElement(By.id("backup-progress")).getText().contains("organization.restore")
                                && d.findElement(By.id("backup-progress"))
                                        .getText()
                                        .contains("succeeded")
                        ? true
                        : null);
        browser.says("Replaced " + tenant.slug() + " with " + name);
        JsonNode replaced = admin.get("/api/organizations/" + tenant.slug()).json();
        assertThat(replaced.path("status").asString()).isEqualTo("active");
        assertThat(replaced.path("id").asString())
                .as("the restored organization took the slug")
                .isNotEqualTo(before);
        assertThat(admin.get("/api/organizations/" + before)
                        .json()
                        .path("status")
                        .asString())
                .as("the old one is kept, suspended")
                .isEqualTo("suspended");
        browser.find(By.id("restored-link")).click();
        browser.until(d -> d.findElement(By.cssSelector("h1 .badge")).getText().equals("active") ? true : null);
        browser.until(d -> d.findElement(By.id("main"))
                        .getText()
                        .contains(replaced.path("id").asString())
                ? true
                : null);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static String clusterStatus(String id) {
        JsonNode cluster = cluster(id);
        return cluster.isMissingNode() ? "absent" : cluster.path("status").asString();
    }

    private static JsonNode cluster(String id) {
        for (JsonNode cluster : admin.get("/api/admin/clusters").json().path("clusters")) {
            if (cluster.path("id").asString().equals(id)) {
                return cluster;
            }
        }
        return tools.jackson.databind.node.MissingNode.getInstance();
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
