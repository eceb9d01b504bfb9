package io.silo.http.data;

import static io.silo.http.data.Invoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The collections API of one organization, end to end over HTTP. */
@SiloTest
class DataPlaneTest {
    private final TestTenant acme;
    private final SiloClient client;

    DataPlaneTest(SiloClient anonymous) {
        this.acme = TestTenants.create(anonymous, "Acme Data " + System.nanoTime(), List.of("billing", "crm"));
        this.client = acme.client();
    }

    @Test
    void documentLivesThroughInsertReadPatchReplaceDelete() {
        SiloClient.Response created = client.post("/api/data/billing/invoices", invoice("INV-1", "Ada", "draft", 120));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode document = created.json();
        String id = document.path("_id").asString();
        assertThat(document.path("_version").asLong()).isEqualTo(1);
        assertThat(document.path("_createdAt").asString()).isNotBlank();
        assertThat(created.header("Location")).contains("/api/data/billing/invoices/" + id);
        assertThat(created.header("ETag")).contains("\"1\"");

        String path = "/api/data/billing/invoices/" + id;
        assertThat(client.get(path).json().path("customer").path("name").asString())
                .isEqualTo("Ada");

        SiloClient.Response patched =
                client.send("PATCH", path, Optional.of(Map.of("status", "sent")), Map.of("If-Match", "\"1\""));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        assertThat(patched.json().path("_version").asLong()).isEqualTo(2);
        assertThat(patched.json().path("status").asString()).isEqualTo("sent");

        SiloClient.Response stale =
                client.send("PATCH", path, Optional.of(Map.of("status", "paid")), Map.of("If-Match", "\"1\""));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.problemType()).isEqualTo("version-conflict");

        SiloClient.Response replaced = client.put(path, invoice("INV-1", "Ada Lovelace", "paid", 120));
        assertThat(replaced.json().path("_version").asLong()).isEqualTo(3);
        assertThat(replaced.json().path("customer").path("name").asString()).isEqualTo("Ada Lovelace");

        assertThat(client.delete(path).status()).isEqualTo(204);
        SiloClient.Response gone = client.get(path);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.problemType()).isEqualTo("document-not-found");
    }

    /**
     * Regression: when the application layer took over, the collection was checked only after the
     * rest of the request had been read, so an unknown collection with a bad filter, id or body
     * answered 400 instead of 404, and a caller without rights had a body parsed before being refused.
     */
    @Test
    void theCollectionIsCheckedBeforeTheRestOfTheRequestIsRead() {
        assertThat(client.get("/api/data/billing/nosuch?filter=" + encode("{bad"))
                        .problemType())
                .isEqualTo("unknown-collection");
        assertThat(client.get("/api/data/billing/nosuch/_count?filter=" + encode("{bad"))
                        .problemType())
                .isEqualTo("unknown-collection");
        assertThat(client.get("/api/data/billing/nosuch/not-an-id").problemType())
                .isEqualTo("unknown-collection");
        assertThat(client.send("POST", "/api/data/billing/nosuch", Optional.of("not json"), Map.of())
                        .problemType())
                .isEqualTo("unknown-collection");
        SiloClient.Response batch = client.post(
                "/api/data/billing/_batch",
                Map.of("operations", List.of(Map.of("op", "delete", "collection", "nosuch", "id", "bad"))));
        assertThat(batch.problemType()).isEqualTo("unknown-collection");
        assertThat(batch.json().path("operation").asInt(-1)).isZero();
    }

    @Test
    void queriesFilterSortPageCountAndGroup() {
        for (int i = 0; i < 7; i++) {
            client.post(
                    "/api/data/billing/invoices",
                    invoice("Q-" + i, "Customer " + (i % 2), i % 3 == 0 ? "paid" : "sent", 10 * (i + 1)));
        }
        String filter = encode(
                "{\"number\":{\"$in\":[\"Q-0\",\"Q-1\",\"Q-2\",\"Q-3\",\"Q-4\",\"Q-5\",\"Q-6\"]},\"total\":{\"$gte\":20}}");
        List<String> seen = new ArrayList<>();
        String cursor = "";
        do {
            SiloClient.Response page = client.get("/api/data/billing/invoices?filter=" + filter
                    + "&sort=-total&limit=2&fields=number,total" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            page.json().path("items").forEach(item -> {
                seen.add(item.path("number").asString());
                assertThat(item.has("customer")).as("fields selects").isFalse();
            });
            cursor = page.json().path("nextCursor").isNull()
                    ? ""
                    : page.json().path("nextCursor").asString();
        } while (!cursor.isEmpty());
        assertThat(seen).containsExactly("Q-6", "Q-5", "Q-4", "Q-3", "Q-2", "Q-1");

        assertThat(client.get("/api/data/billing/invoices/_count?filter="
                                + encode("{\"status\":\"paid\",\"number\":{\"$in\":[\"Q-0\",\"Q-3\",\"Q-6\"]}}"))
                        .json()
                        .path("count")
                        .asLong())
                .isEqualTo(3);
        JsonNode groups = client.get("/api/data/billing/invoices/_group?by=status&metric=total&filter="
                        + encode("{\"number\":{\"$in\":[\"Q-0\",\"Q-1\",\"Q-2\",\"Q-3\",\"Q-4\",\"Q-5\",\"Q-6\"]}}"))
                .json();
        assertThat(groups.toString()).contains("paid").contains("sent");
    }

    @Test
    void schemaViolationsNameEveryFailingPath() {
        SiloClient.Response response = client.post(
                "/api/data/billing/invoices",
                Map.of(
                        "number",
                        "BAD-1",
                        "status",
                        "unknown",
                        "currency",
                        "euro",
                        "customer",
                        Map.of(),
                        "total",
                        1,
                        "issueDate",
                        "2026-11-01"));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.problemType()).isEqualTo("schema-violation");
        assertThat(response.json().path("errors").findValuesAsString("path"))
                .contains("/status", "/currency", "/customer/name");
    }

    @Test
    void uniqueKeyIsAConflictNamingTheField() {
        assertThat(client.post("/api/data/billing/invoices", invoice("DUP-1", "Ada", "draft", 1))
                        .status())
                .isEqualTo(201);

        SiloClient.Response again = client.post("/api/data/billing/invoices", invoice("DUP-1", "Bob", "draft", 2));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.problemType()).isEqualTo("duplicate-key");
        assertThat(again.json().path("fields").toString()).contains("number");
    }

    @Test
    void batchIsAllOrNothingAndNamesTheFailingOperation() {
        SiloClient.Response failed = client.post(
                "/api/data/billing/_batch",
                Map.of(
                        "operations",
                        List.of(
                                Map.of(
                                        "op",
                                        "insert",
                                        "collection",
                                        "invoices",
                                        "body",
                                        invoice("B-1", "Ada", "draft", 5)),
                                Map.of("op", "insert", "collection", "payments", "body", Map.of("invoiceId", "x")))));

        assertThat(failed.status()).isEqualTo(422);
        assertThat(failed.json().path("operation").asInt()).isEqualTo(1);
        assertThat(client.get("/api/data/billing/invoices/_count?filter=" + encode("{\"number\":\"B-1\"}"))
                        .json()
                        .path("count")
                        .asLong())
                .as("the first insert was rolled back with the second")
                .isZero();

        SiloClient.Response ok = client.post(
                "/api/data/billing/_batch",
                Map.of(
                        "operations",
                        List.of(
                                Map.of(
                                        "op",
                                        "insert",
                                        "collection",
                                        "invoices",
                                        "body",
                                        invoice("B-2", "Ada", "draft", 5)),
                                Map.of(
                                        "op",
                                        "insert",
                                        "collection",
                                        "invoices",
                                        "body",
                                        invoice("B-3", "Bob", "draft", 6)))));
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        String id =
                ok.json().path("results").get(0).path("document").path("_id").asString();

        SiloClient.Response mixed = client.post(
                "/api/data/billing/_batch",
                Map.of(
                        "operations",
                        List.of(
                                Map.of(
                                        "op",
                                        "patch",
                                        "collection",
                                        "invoices",
                                        "id",
                                        id,
                                        "body",
                                        Map.of("status", "sent"),
                                        "version",
                                        1),
                                Map.of("op", "delete", "collection", "invoices", "id", id))));
        assertThat(mixed.status()).as(mixed.text()).isEqualTo(200);
        assertThat(client.get("/api/data/billing/invoices/" + id).status()).isEqualTo(404);
    }

    @Test
    void concurrentPatchesWithoutIfMatchAreAllApplied() throws Exception {
        String id = client.post("/api/data/crm/contacts", Map.of("name", "Racy"))
                .json()
                .path("_id")
                .asString();
        List<Thread> writers = new ArrayList<>();
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 8; i++) {
            String field = "field" + i;
            writers.add(Thread.ofVirtual()
                    .start(() -> statuses.add(client.patch("/api/data/crm/contacts/" + id, Map.of(field, "set"))
                            .status())));
        }
        for (Thread writer : writers) {
            writer.join();
        }

        JsonNode document = client.get("/api/data/crm/contacts/" + id).json();
        assertThat(statuses).containsOnly(200).hasSize(8);
        assertThat(document.path("_version").asLong()).isEqualTo(9);
        for (int i = 0; i < 8; i++) {
            assertThat(document.path("field" + i).asString())
                    .as("patch %d kept", i)
                    .isEqualTo("set");
        }
    }

    @Test
    void everyWriteIsInTheActivityLogWithWhoAndWhere() {
        String id = client.post("/api/data/crm/contacts", Map.of("name", "Grace", "email", "grace@example.com"))
                .json()
                .path("_id")
                .asString();
        client.patch("/api/data/crm/contacts/" + id, Map.of("phone", "+1 555"));

        SiloClient.Response activity = client.get("/api/activity?service=crm&limit=10");

        assertThat(activity.status()).as(activity.text()).isEqualTo(200);
        List<JsonNode> entries = new ArrayList<>();
        activity.json().path("items").forEach(entries::add);
        assertThat(entries)
                .extracting(entry -> entry.path("action").asString())
                .startsWith("document.patch", "document.insert");
        assertThat(entries.getFirst().path("targetId").asString()).isEqualTo(id);
        assertThat(entries.get(1).path("targetId").asString())
                .as("the insert's row, written in the insert's own statement")
                .isEqualTo(id);
        assertThat(entries.get(1).path("requestId").asString()).isNotBlank();
        assertThat(entries.getFirst().path("userId").asString()).isNotBlank();
        assertThat(entries.getFirst().path("requestId").asString()).isNotBlank();
        assertThat(entries.getFirst().path("userAgent").asString()).contains("Java");
    }

    @Test
    void activityPagesAcrossDatabasesWithoutRepeats() {
        for (int i = 0; i < 3; i++) {
            client.post("/api/data/crm/contacts", Map.of("name", "Paged " + i));
            client.post("/api/data/billing/invoices", invoice("ACT-" + i, "Ada", "draft", 1));
        }
        List<String> targets = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            JsonNode page = client.get("/api/activity?limit=2" + (cursor.isEmpty() ? "" : "&cursor=" + cursor))
                    .json();
            page.path("items")
                    .forEach(item -> targets.add(item.path("service").asString() + ":"
                            + item.path("targetId").asString()));
            cursor = page.path("nextCursor").isNull()
                    ? ""
                    : page.path("nextCursor").asString();
            pages++;
        } while (!cursor.isEmpty() && pages < 100);
        assertThat(targets).doesNotHaveDuplicates();
        assertThat(targets.stream().filter(t -> t.startsWith("crm:")).count()).isGreaterThanOrEqualTo(3);
        assertThat(targets.stream().filter(t -> t.startsWith("billing:")).count())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void tenantHealthReportsEachDatabase() {
        SiloClient.Response health = client.get("/api/health/tenant");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("databases").findValuesAsString("service"))
                .containsExactlyInAnyOrder("core", "billing", "crm");
        assertThat(health.json().path("databases").findValues("connected")).allMatch(JsonNode::asBoolean);
        assertThat(health.json().path("databases").findValues("sizeBytes")).allMatch(size -> size.asLong() > 0);

        SiloClient.Response collections = client.get("/api/health/tenant/collections");
        assertThat(collections.json().path("databases").findValuesAsString("name"))
                .contains("invoices", "contacts");
    }

    /** Where the databases live, and how large they are, is for the organization's administrator. */
    @Test
    void aMemberWhoIsNoAdministratorLearnsNotWhereTheDatabasesLive() {
        String email = "clerk-" + System.nanoTime() + "@acme.example";
        TestTenants.addMember(acme, email, Map.of("billing", "user"));
        SiloClient clerk = TestTenants.signIn(client, acme.slug(), email, TestTenants.PASSWORD);

        SiloClient.Response health = clerk.get("/api/health/tenant");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("databases").findValuesAsString("service"))
                .containsExactlyInAnyOrder("core", "billing", "crm");
        assertThat(health.json().path("databases").findValues("database")).isEmpty();
        assertThat(health.json().path("databases").findValues("cluster")).isEmpty();
        assertThat(health.json().path("databases").findValues("sizeBytes")).isEmpty();
        assertThat(health.text()).doesNotContain(acme.database("billing"));
    }

    @Test
    void suspensionStopsDataRequestsAtOnce(SiloClient anonymous) {
        TestTenant sleepy = TestTenants.create(anonymous, "Sleepy Data " + System.nanoTime(), List.of("crm"));
        assertThat(sleepy.client().get("/api/data/crm/contacts").status()).isEqualTo(200);

        anonymous.asAdmin().post("/api/organizations/" + sleepy.slug() + "/suspend", Map.of("reason", "test"));

        io.silo.testing.Eventually.get(
                java.time.Duration.ofSeconds(5),
                () -> sleepy.client().get("/api/data/crm/contacts"),
                response -> response.status() == 403 && "organization-suspended".equals(response.problemType()));
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
