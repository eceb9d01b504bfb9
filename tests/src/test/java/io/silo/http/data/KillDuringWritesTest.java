package io.silo.http.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import io.silo.job.JobState;
import io.silo.testing.ChildSilo;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A real SIGKILL of a Silo process while eight clients write invoices and a provisioning job is
 * half done. Another instance on the same control database then holds every acknowledged write
 * with the content its answer acknowledged, and nothing that was never sent; no request was ever
 * answered 500; the member's session goes on; and the provisioning job is finished, so that no
 * job is left unfinished.
 */
class KillDuringWritesTest {
    private static final String INVOICES = "/api/data/billing/invoices";
    private static final String PAUSED_STEP = "database:crm";

    /** What was done to the killed instance: its member, the load it was under, when it died. */
    private record Killed(SiloClient member, InvoiceLoad load, long atNanos) {
        long millisSince() {
            return (System.nanoTime() - atNanos) / 1_000_000;
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillDashNineAndNoJobIsLeftHalfDone() throws InterruptedException {
        TestPostgres.primary().reset();
        Map<String, String> env = TestSilo.env(Map.of("SILO_JOBS_LEASE", "1s"));
        Killed killed = killedUnderLoad(env);
        InvoiceLoad load = killed.load();

        long restartAt = System.nanoTime();
        try (TestSilo survivor = TestSilo.resume(SiloConfig.from(ConfigSource.ofEnv(env)), SiloOptions.server())) {
            long startedMs = (System.nanoTime() - restartAt) / 1_000_000;
            SiloClient member = killed.member().at(survivor.uri());
            String anyInvoice = INVOICES + "/"
                    + load.acknowledged().values().iterator().next().id();
            Eventually.until(
                    "the member is served again", () -> member.get(anyInvoice).status() == 200);
            long servedAgainMs = killed.millisSince();
            Map<String, JsonNode> stored = allInvoices(member);
            List<String> jobs = Eventually.get(
                    Duration.ofSeconds(60),
                    () -> jobStates(survivor),
                    states ->
                            states.stream().allMatch(state -> JobState.of(state).finished()));
            long jobsDoneMs = killed.millisSince();
            List<String> lost = load.acknowledged().keySet().stream()
                    .filter(number -> !stored.containsKey(number))
                    .toList();

            System.out.println("KillDuringWritesTest: invoices acknowledged before the kill: "
                    + load.acknowledged().size() + " (of them marked sent: " + sentCount(load)
                    + "); requests in flight with unknown outcome: "
                    + load.unanswered().size()
                    + ", of them applied: " + appliedUnanswered(stored, load) + "; refused after the kill: "
                    + load.refused().size() + "; acknowledged writes lost: " + lost.size()
                    + "; other answers: " + load.otherAnswers().size() + "; the new instance started in "
                    + startedMs + " ms, served the member again " + servedAgainMs
                    + " ms after the kill and had every job finished " + jobsDoneMs + " ms after it");

            assertThat(load.unanswered()).as("writes in flight at the kill").isNotEmpty();
            assertThat(lost)
                    .as("acknowledged invoices missing after the restart")
                    .isEmpty();
            load.acknowledged().values().forEach(invoice -> assertHeld(invoice, stored.get(invoice.number()), load));
            assertThat(stored.keySet())
                    .as("every stored invoice was acknowledged or sent without an answer")
                    .allMatch(number -> load.acknowledged().containsKey(number)
                            || load.unanswered().contains(number));
            assertThat(load.otherAnswers())
                    .as("answers other than the write's success: never a 500, only transient overload")
                    .allMatch(answer -> answer.startsWith("503 "));
            assertThat(jobs).as("the provisioning jobs of both organizations").hasSize(2);
            assertThat(jobs).containsOnly(JobState.SUCCEEDED.value());
            assertThat(survivor.client()
                            .asAdmin()
                            .get("/api/organizations/killed-while-loaded")
                            .json()
                            .path("status")
                            .asString())
                    .isEqualTo("active");
        }
    }

    /**
     * Starts Silo in a child JVM on {@code env}, puts eight writers on it, and once 200 invoices
     * are acknowledged and a provisioning job is stopped half done, SIGKILLs it.
     */
    private static Killed killedUnderLoad(Map<String, String> env) throws InterruptedException {
        try (ChildSilo child = ChildSilo.pausingBefore(PAUSED_STEP, env)) {
            SiloClient member = member(TestTenants.create(child.client(), "Kill Load Co", List.of("billing")));
            InvoiceLoad load = InvoiceLoad.start(member, 8);
            load.awaitAcknowledged(200);
            provisionInBackground(child.client().asAdmin());
            child.awaitPaused(PAUSED_STEP);
            assertThat(load.unanswered()).as("unanswered before the kill").isEmpty();
            assertThat(load.refused()).as("refused before the kill").isEmpty();
            child.kill();
            Killed killed = new Killed(member, load, System.nanoTime());
            load.awaitStopped();
            return killed;
        }
    }

    /** A member of the organization with the billing role {@code manager}, signed in. */
    private static SiloClient member(TestTenant tenant) {
        String email = "writer@" + tenant.slug() + ".example";
        TestTenants.addMember(tenant, email, Map.of("billing", "manager"));
        return TestTenants.signIn(tenant.client(), tenant.slug(), email, TestTenants.PASSWORD);
    }

    /** Creates an organization whose provisioning the paused child will never finish. */
    private static void provisionInBackground(SiloClient platformAdmin) {
        Thread.ofVirtual().start(() -> {
            try {
                platformAdmin.post(
                        "/api/organizations",
                        Map.of(
                                "name",
                                "Killed While Loaded",
                                "services",
                                List.of("billing", "crm"),
                                "admin",
                                Map.of("email", "boss@loaded.example", "password", TestTenants.PASSWORD)));
            } catch (UncheckedIOException e) {
                // the kill cut the request off, as it should
            }
        });
    }

    private static void assertHeld(InvoiceLoad.Acknowledged invoice, JsonNode stored, InvoiceLoad load) {
        assertThat(stored.path("_id").asString()).isEqualTo(invoice.id());
        assertThat(stored.path("customer").path("name").asString()).isEqualTo(InvoiceLoad.customer(invoice.number()));
        if (load.unanswered().contains(invoice.number())) {
            // a PATCH in flight at the kill: applied or not
            assertThat(stored.path("_version").asLong()).isBetween(invoice.version(), invoice.version() + 1);
        } else {
            assertThat(stored.path("_version").asLong()).as(invoice.number()).isEqualTo(invoice.version());
            assertThat(stored.path("status").asString()).as(invoice.number()).isEqualTo(invoice.status());
        }
    }

    private static long appliedUnanswered(Map<String, JsonNode> stored, InvoiceLoad load) {
        return load.unanswered().stream()
                .filter(number -> applied(number, stored, load))
                .count();
    }

    /** Whether the unanswered write of invoice {@code number} was applied: it is there, or at a later version. */
    private static boolean applied(String number, Map<String, JsonNode> stored, InvoiceLoad load) {
        long acknowledgedVersion = load.acknowledged().containsKey(number)
                ? load.acknowledged().get(number).version()
                : 0;
        return stored.containsKey(number) && stored.get(number).path("_version").asLong() > acknowledgedVersion;
    }

    /** Every invoice of the collection by number, page by page. */
    private static Map<String, JsonNode> allInvoices(SiloClient reader) {
        Map<String, JsonNode> byNumber = new HashMap<>();
        String cursor = "";
        do {
            SiloClient.Response page =
                    reader.get(INVOICES + "?limit=500" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            page.json()
                    .path("items")
                    .forEach(item -> byNumber.put(item.path("number").asString(), item));
            cursor = page.json().path("nextCursor").isNull()
                    ? ""
                    : page.json().path("nextCursor").asString();
        } while (!cursor.isEmpty());
        return byNumber;
    }

    private static List<String> jobStates(TestSilo silo) {
        return silo.control().query("SELECT state FROM jobs", row -> row.getString(1));
    }

    private static long sentCount(InvoiceLoad load) {
        return load.acknowledged().values().stream()
                .filter(invoice -> invoice.status().equals("sent"))
                .count();
    }
}
