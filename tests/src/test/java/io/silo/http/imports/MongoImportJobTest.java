package io.silo.http.imports;

import static io.silo.http.imports.MongoImportTest.doc;
import static io.silo.http.imports.MongoImportTest.product;
import static io.silo.http.imports.MongoImportTest.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.app.SiloOptions;
import io.silo.app.imports.ImportJob;
import io.silo.app.imports.ImportMapping;
import io.silo.app.imports.ImportReport;
import io.silo.app.imports.Imports;
import io.silo.audit.AuditEntry;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.job.StepObserver;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code silo import} as a job ({@value ImportJob#KIND}): killed between two collections (a step
 * observer throws before the step, as a dying process would stop there), it is finished by another
 * instance's job worker, or by the same import started again, and ends with the report and the data
 * of an uninterrupted import of the same dump; its report is kept after the job and shown by {@code
 * GET /api/admin/jobs/{id}}; a cancelled import keeps what it did.
 */
class MongoImportJobTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final AuditEntry.Actor ACTOR =
            new AuditEntry.Actor("operator", "test", "silo-cli", "", "silo-cli", "");
    private static final Instant SOLD = Instant.parse("2025-03-04T10:15:30.250Z");
    private static final int PRODUCTS = 700;

    /** Stands for the process dying just before a step of the import. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String step) {
            super("simulated crash before " + step);
        }
    }

    @Test
    void anImportKilledBetweenCollectionsIsFinishedByAnotherInstancesWorkerAndEndsLikeAnUninterruptedOne()
            throws IOException {
        AtomicBoolean crashed = new AtomicBoolean();
        try (TestSilo silo = start(crashBeforeFourthStep(crashed))) {
            Path killed = dump("killed");
            Job job = imports(silo).start(options(killed), ACTOR, Duration.ZERO);
            assertThat(job.steps())
                    .hasSize(6)
                    .startsWith("prepare")
                    .endsWith("finish")
                    .anyMatch(step -> step.endsWith("/inventorytransactions.bson"));
            Eventually.get(WAIT, crashed::get, Boolean::booleanValue);

            silo.restart(SiloOptions.server());
            SiloClient admin = silo.client().asAdmin();
            // while a step runs, the job shows its documents: done, left out, and an estimated total
            List<JsonNode> progress = new ArrayList<>();
            JsonNode finished = Eventually.get(
                    WAIT,
                    () -> {
                        JsonNode body = admin.get("/api/admin/jobs/" + job.id()).json();
                        if (body.path("progress").isObject()) {
                            progress.add(body.path("progress"));
                        }
                        return body;
                    },
                    body -> body.path("state").asString().equals("succeeded"));
            assertThat(progress).isNotEmpty().allSatisfy(seen -> {
                assertThat(seen.path("total").asLong()).isPositive();
                assertThat(seen.path("done").asLong() + seen.path("failed").asLong())
                        .isLessThanOrEqualTo(seen.path("total").asLong());
            });

            ImportReport resumed = ImportReport.read(finished.path("import"));
            ImportReport whole = uninterrupted(silo);
            assertThat(summary(resumed)).isEqualTo(summary(whole));
            assertEveryDocumentImportedOnce(silo, resumed);
            assertThat(steps(silo, job))
                    .as("the steps' rows go once the report is kept")
                    .isZero();
        }
    }

    @Test
    void anImportKilledInlineIsFinishedByStartingItAgain() throws IOException {
        AtomicBoolean crashed = new AtomicBoolean();
        try (TestSilo silo = start(crashBeforeFourthStep(crashed))) {
            Path killed = dump("rerun");
            // as silo import does: the job left alone by workers for a while, run in this thread
            Job job = imports(silo).start(options(killed), ACTOR, Duration.ofMinutes(10));
            assertThatThrownBy(() -> imports(silo).runInline(job.id())).isInstanceOf(SimulatedCrash.class);
            assertThat(imports(silo).job(job.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);

            silo.restart(SiloOptions.server());
            Imports again = imports(silo);
            Job left = again.unfinished(options(killed), ACTOR).orElseThrow();
            assertThat(left.id()).isEqualTo(job.id());
            assertThat(left.nextStep()).isEqualTo(3);
            Job ended = again.runInline(left.id());

            assertThat(ended.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(again.unfinished(options(killed), ACTOR)).isEmpty();
            ImportReport resumed = ImportReport.read(again.report(job.id()).orElseThrow());
            assertThat(summary(resumed)).isEqualTo(summary(uninterrupted(silo)));
            assertEveryDocumentImportedOnce(silo, resumed);
        }
    }

    @Test
    void anImportWaitsForAnOrganizationWhoseLeaseAnotherJobHolds() throws IOException {
        try (TestSilo silo = TestSilo.start(
                1, Map.of("SILO_JOBS_LEASE", "1s", "SILO_JOBS_MAX_ATTEMPTS", "30"), SiloOptions.server())) {
            Path dump = dump("leased");
            Imports imports = imports(silo);
            Job first = imports.start(options(dump), ACTOR, Duration.ofMinutes(10));
            assertThat(imports.runInline(first.id()).state()).isEqualTo(JobState.SUCCEEDED);
            java.util.UUID organization = ImportReport.read(
                            imports.report(first.id()).orElseThrow())
                    .tenants()
                    .values()
                    .iterator()
                    .next()
                    .id()
                    .orElseThrow();
            io.silo.postgres.job.Leases leases = new io.silo.postgres.job.Leases(silo.control());
            String lease = io.silo.postgres.job.Leases.tenant(organization);
            assertThat(leases.tryAcquire(lease, "another-job", Duration.ofHours(1)))
                    .isTrue();
            SiloClient admin = silo.client().asAdmin();

            Job again = imports.start(options(dump), ACTOR, Duration.ZERO);
            JsonNode waiting = Eventually.get(
                    WAIT,
                    () -> admin.get("/api/admin/jobs/" + again.id()).json(),
                    body -> body.path("error").asString("").contains("lease is taken"));
            assertThat(waiting.path("state").asString()).isIn("pending", "running");
            leases.release(lease, "another-job");
            JsonNode finished = Eventually.get(
                    WAIT,
                    () -> admin.get("/api/admin/jobs/" + again.id()).json(),
                    body -> body.path("state").asString().equals("succeeded"));

            ImportReport report = ImportReport.read(finished.path("import"));
            for (ImportReport.Tenant tenant : report.tenants().values()) {
                assertThat(tenant.status()).isEqualTo("found");
                assertThat(tenant.collections().get("pos.products").unchanged()).isEqualTo(PRODUCTS - 1);
                assertThat(tenant.collections().get("pos.products").imported()).isZero();
            }
        }
    }

    @Test
    void aCancelledImportKeepsAReportOfWhatItDid() throws IOException {
        try (TestSilo silo = start(StepObserver.NONE)) {
            Job job = imports(silo).start(options(dump("cancelled")), ACTOR, Duration.ofMinutes(10));
            SiloClient admin = silo.client().asAdmin();

            SiloClient.Response cancelled = admin.post("/api/admin/jobs/" + job.id() + "/cancel", Map.of());

            assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
            JsonNode body = admin.get("/api/admin/jobs/" + job.id()).json();
            assertThat(body.path("state").asString()).isEqualTo("cancelled");
            assertThat(body.path("import").path("complete").asBoolean(true)).isFalse();
            assertThat(body.path("import").path("notes").toString()).contains("cancelled by an administrator");
        }
    }

    @Test
    void anImportOverHttpReadsFoldersInsideImportsDirOnlyAndKeepsItsReport() throws IOException {
        try (TestSilo silo = start(StepObserver.NONE)) {
            Path root = silo.config().importsDir().orElseThrow();
            Path dump = dump("http");
            Files.move(dump, root.resolve("pos"));
            Path outside = Files.createTempDirectory("outside");
            Files.writeString(outside.resolve("mapping.yaml"), "layout: per-tenant\n");
            Files.createSymbolicLink(root.resolve("elsewhere"), outside);
            Files.createSymbolicLink(root.resolve("mapping.yaml"), outside.resolve("mapping.yaml"));
            Path sneaky = Files.createDirectories(root.resolve("sneaky").resolve("tenant_65f0a1b2c3d4e5f601234567"));
            Files.createSymbolicLink(sneaky.resolve("users.json"), outside.resolve("mapping.yaml"));
            SiloClient admin = silo.client().asAdmin();

            for (Map<String, String> escaping : List.of(
                    Map.of("folder", "../", "layout", "per-tenant"),
                    Map.of("folder", "pos/../..", "layout", "per-tenant"),
                    Map.of("folder", outside.toString(), "layout", "per-tenant"),
                    Map.of("folder", "elsewhere", "layout", "per-tenant"),
                    Map.of("folder", "sneaky", "layout", "per-tenant"),
                    Map.of("folder", "not-there", "layout", "per-tenant"),
                    Map.of("folder", "pos", "mapping", "mapping.yaml"),
                    Map.of("folder", "pos", "mapping", "../silo.yaml"))) {
                SiloClient.Response refused = admin.post("/api/admin/imports", escaping);
                assertThat(refused.status())
                        .as(escaping + ": " + refused.text())
                        .isEqualTo(400);
                assertThat(refused.json().path("type").asString()).isEqualTo("urn:silo:problem:invalid-import-path");
                if (!escaping.containsValue(outside.toString())) {
                    // where a link leads is not told
                    assertThat(refused.text()).doesNotContain(outside.toString().substring(1));
                }
            }
            assertThat(admin.post("/api/admin/imports", Map.of("folder", "pos"))
                            .json()
                            .path("type")
                            .asString())
                    .isEqualTo("urn:silo:problem:missing-field");
            assertThat(silo.client()
                            .post("/api/admin/imports", Map.of("folder", "pos", "layout", "per-tenant"))
                            .status())
                    .isEqualTo(401);
            assertThat(silo.control()
                            .query("SELECT count(*) FROM jobs WHERE kind = ?", row -> row.getLong(1), ImportJob.KIND))
                    .containsExactly(0L);

            SiloClient.Response started =
                    admin.post("/api/admin/imports", Map.of("folder", "pos", "layout", "per-tenant"));

            assertThat(started.status()).as(started.text()).isEqualTo(202);
            String id = started.json().path("id").asString();
            assertThat(started.header("Location")).contains("/api/admin/jobs/" + id);
            assertThat(started.json().path("kind").asString()).isEqualTo(ImportJob.KIND);
            JsonNode finished = Eventually.get(
                    WAIT,
                    () -> admin.get("/api/admin/jobs/" + id).json(),
                    body -> body.path("state").asString().equals("succeeded"));
            ImportReport report = ImportReport.read(finished.path("import"));
            assertThat(report.source()).isEqualTo("pos");
            assertEveryDocumentImportedOnce(silo, report);
            assertThat(finished.path("import").path("complete").asBoolean(true)).isFalse();
        }
    }

    @Test
    void withoutImportsDirTheRouteSaysImportsAreNotConfigured() {
        try (TestSilo silo = TestSilo.start(1, Map.of("SILO_IMPORTS_DIR", ""))) {
            SiloClient.Response refused =
                    silo.client().asAdmin().post("/api/admin/imports", Map.of("folder", "pos", "layout", "per-tenant"));

            assertThat(refused.status()).as(refused.text()).isEqualTo(409);
            assertThat(refused.json().path("type").asString()).isEqualTo("urn:silo:problem:imports-not-configured");
            assertThat(refused.json().path("detail").asString()).contains("imports.dir");
        }
    }

    private static StepObserver crashBeforeFourthStep(AtomicBoolean crashed) {
        return (job, step) -> {
            if (job.kind().equals(ImportJob.KIND)
                    && job.steps().indexOf(step) == 3
                    && crashed.compareAndSet(false, true)) {
                throw new SimulatedCrash(step);
            }
        };
    }

    private static TestSilo start(StepObserver observer) {
        return TestSilo.start(
                1, Map.of("SILO_JOBS_LEASE", "1s"), SiloOptions.server().withStepObserver(observer));
    }

    private static Imports imports(TestSilo silo) {
        return silo.silo().application().importJobs();
    }

    private static ImportJob.Options options(Path dump) {
        return new ImportJob.Options(dump, Optional.of(ImportMapping.Layout.PER_TENANT), Optional.empty(), "");
    }

    /** The same dump with other ids (other organizations), imported by one uninterrupted job. */
    private static ImportReport uninterrupted(TestSilo silo) throws IOException {
        Imports imports = imports(silo);
        Job job = imports.start(options(dump("whole")), ACTOR, Duration.ofMinutes(10));
        assertThat(imports.runInline(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
        return ImportReport.read(imports.report(job.id()).orElseThrow());
    }

    /**
     * Two organizations of a database per tenant, each with an owner, {@value #PRODUCTS} products (one
     * without a price, which the template refuses) and a stock movement per product naming it.
     */
    private static Path dump(String name) throws IOException {
        Path dump = Files.createTempDirectory(name);
        for (int t = 0; t < 2; t++) {
            String tenant = new ObjectId().toHexString();
            String database = "tenant_" + tenant;
            MongoDumps.dump(
                    dump,
                    database,
                    "users",
                    false,
                    List.of(doc("_id", new BsonObjectId())
                            .append("email", str("owner-" + tenant + "@job.test"))
                            .append("name", str("Owner"))
                            .append("password", str("job-owner-pass"))
                            .append("role", str("org_admin"))),
                    new byte[0],
                    new BsonArray());
            List<BsonDocument> catalog = new ArrayList<>();
            List<BsonDocument> movements = new ArrayList<>();
            for (int i = 0; i < PRODUCTS; i++) {
                ObjectId product = new ObjectId();
                catalog.add(
                        i == 0
                                ? doc("_id", new BsonObjectId(product)).append("name", str("No price"))
                                : product(product, "Bottle " + i, "B-" + i, (i % 90) + ".50"));
                movements.add(doc("_id", new BsonObjectId())
                        .append("productId", new BsonObjectId(product))
                        .append("type", str("purchase"))
                        .append("quantity", new BsonInt32(10))
                        .append("at", new BsonDateTime(SOLD.toEpochMilli())));
            }
            MongoDumps.dump(dump, database, "products", false, catalog, new byte[0], new BsonArray());
            MongoDumps.dump(dump, database, "inventorytransactions", false, movements, new byte[0], new BsonArray());
        }
        return dump;
    }

    /** What a report says with the organizations' and documents' ids left out: statuses, counts, reasons. */
    private static List<Map<String, Object>> summary(ImportReport report) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ImportReport.Tenant tenant : report.tenants().values()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("status", tenant.status());
            Map<String, List<Long>> counts = new TreeMap<>();
            tenant.collections()
                    .forEach((collection, count) -> counts.put(
                            collection,
                            List.of(count.imported(), count.updated(), count.unchanged(), count.rejected())));
            one.put("collections", counts);
            one.put(
                    "reasons",
                    tenant.rejections().stream()
                            .map(rejection -> rejection.collection() + ": "
                                    + rejection.reason().replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]{24}", "<id>"))
                            .sorted()
                            .toList());
            out.add(one);
        }
        out.sort(java.util.Comparator.comparing(Object::toString));
        return out;
    }

    /** Nothing ran twice: every document imported by exactly one step, and there, once. */
    private static void assertEveryDocumentImportedOnce(TestSilo silo, ImportReport report) {
        assertThat(report.complete()).isFalse(); // the product without a price
        assertThat(report.tenants()).hasSize(2);
        for (ImportReport.Tenant tenant : report.tenants().values()) {
            assertThat(tenant.status()).isEqualTo("created");
            ImportReport.Counts products = tenant.collections().get("pos.products");
            ImportReport.Counts movements = tenant.collections().get("pos.inventory_transactions");
            assertThat(products.imported()).isEqualTo(PRODUCTS - 1);
            assertThat(products.rejected()).isEqualTo(1);
            assertThat(movements.imported()).isEqualTo(PRODUCTS - 1);
            // the movement of the refused product names a product that is not there
            assertThat(movements.rejected()).isEqualTo(1);
            assertThat(products.unchanged() + movements.unchanged() + products.updated() + movements.updated())
                    .isZero();
            SiloClient owner = MongoImportTest.member(
                    silo, tenant.slug().orElseThrow(), "owner-" + tenant.key() + "@job.test", "job-owner-pass");
            assertThat(owner.get("/api/data/pos/products/_count")
                            .json()
                            .path("count")
                            .asInt())
                    .isEqualTo(PRODUCTS - 1);
            assertThat(owner.get("/api/data/pos/inventory_transactions/_count")
                            .json()
                            .path("count")
                            .asInt())
                    .isEqualTo(PRODUCTS - 1);
        }
    }

    private static long steps(TestSilo silo, Job job) {
        return silo.control()
                .query("SELECT count(*) FROM import_job_steps WHERE job_id = ?", row -> row.getLong(1), job.id())
                .getFirst();
    }
}
