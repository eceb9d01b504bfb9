package io.silo.http.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.audit.AuditEntry;
import io.silo.http.openapi.ApiDescription.Operation;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * {@code GET /openapi.json} is the contract: it describes exactly the routes the server registers,
 * and every answer of a tour through all of them matches it, status, content type and body.
 */
@SiloTest(servicesDir = "templates/files")
class OpenApiContractTest {
    private static final Logger log = LoggerFactory.getLogger(OpenApiContractTest.class);
    private static final Pattern TIMER = Pattern.compile(
            "^http_server_requests_seconds_count\\{method=\"([A-Z]+)\",route=\"([^\"]+)\",status=\"([0-9]+)\"}.*$",
            Pattern.MULTILINE);

    private final TestSilo silo;
    private final SiloClient client;
    private final ApiDescription description;

    OpenApiContractTest(TestSilo silo, SiloClient client) {
        this.silo = silo;
        this.client = client;
        SiloClient.Response served = client.get("/openapi.json");
        assertThat(served.status()).as(served.text()).isEqualTo(200);
        this.description = new ApiDescription(served.text());
    }

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteIsRegistered() {
        Set<String> registered = silo.silo().routes().stream()
                .map(route -> route.method() + " " + route.path())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented =
                description.operations().stream().map(Operation::label).collect(Collectors.toCollection(TreeSet::new));

        assertThat(difference(registered, documented))
                .as("routes the server registers that the document lacks")
                .isEmpty();
        assertThat(difference(documented, registered))
                .as("documented operations the server does not register")
                .isEmpty();
        assertThat(registered)
                .as("no route is registered twice")
                .hasSize(silo.silo().routes().size());
    }

    @Test
    void documentIsTheShippedOneAndHoldsTogether() {
        JsonNode document = description.document();
        assertThat(document).isEqualTo(OpenApiEndpoint.document());
        assertThat(document.path("openapi").asString()).startsWith("3.1.");

        List<String> problems = DocumentLint.problems(description);
        for (String schema : document.path("components").path("schemas").propertyNames()) {
            description.validate("/components/schemas/" + schema, NullNode.getInstance());
        }
        assertThat(problems).isEmpty();
    }

    /**
     * The clients are generated from this document (clients/typescript) or written on it (clients/java):
     * every operation gives them its name, a schema of every body, a problem schema of every refusal,
     * and an example of every JSON request body that passes its schema.
     */
    @Test
    void everyOperationGivesTheClientsWhatTheyNeed() {
        assertThat(ClientNeeds.problems(description)).isEmpty();
    }

    /** A job of a kind no handler runs, left to background workers only in an hour: the tour cancels it. */
    private String pendingJob() {
        java.util.UUID id = java.util.UUID.randomUUID();
        silo.control()
                .update(
                        "INSERT INTO jobs (id, kind, state, steps, run_after) VALUES (?, 'tour.idle', 'pending', '[\"wait\"]', now() + interval '1 hour')",
                        id);
        return id.toString();
    }

    @Test
    void everyAnswerOfATourThroughEveryRouteMatchesTheDocument() {
        ContractCheck check = new ContractCheck(description);
        try {
            new ApiTour(
                            new CheckedClient(client, check),
                            pendingJob(),
                            silo.config().importsDir().orElseThrow())
                    .run();
        } catch (AssertionError | RuntimeException e) {
            if (!check.violations().isEmpty()) {
                e.addSuppressed(
                        new AssertionError("contract violations so far:\n" + String.join("\n", check.violations())));
            }
            throw e;
        }

        assertThat(check.violations())
                .as("answers that do not match the document")
                .isEmpty();
        Map<String, Set<Integer>> statuses = check.statuses();
        log.info("the tour got these statuses per operation: {}", new TreeMap<>(statuses));
        List<String> untried = description.operations().stream()
                .filter(operation ->
                        statuses.getOrDefault(operation.id(), Set.of()).stream().noneMatch(status -> status < 300))
                .map(Operation::label)
                .toList();
        assertThat(untried).as("operations the tour never got a success from").isEmpty();
        // the tour enrolled the administrator's second factor; /metrics is read after a password-only sign-in
        silo.silo()
                .application()
                .adminAccounts()
                .resetTotp(TestSilo.ADMIN_EMAIL, AuditEntry.Actor.system("OpenApiContractTest"));
        assertThat(undocumentedTimings())
                .as("(method, route, status) the server's own metrics saw but the document lacks")
                .isEmpty();
    }

    /** The server times every answer by its route template: each one must be a documented operation and status. */
    private List<String> undocumentedTimings() {
        List<String> out = new ArrayList<>();
        Matcher timer = TIMER.matcher(client.asAdmin().get("/metrics").text());
        int timings = 0;
        while (timer.find()) {
            timings++;
            String method = timer.group(1);
            String route = timer.group(2);
            if (route.equals("unmatched")) {
                continue;
            }
            boolean documented = description.operations().stream()
                    .filter(operation -> operation.method().equals(method)
                            && operation.template().equals(route))
                    .anyMatch(operation -> operation.node().path("responses").has(timer.group(3)));
            if (!documented) {
                out.add(method + " " + route + " " + timer.group(3));
            }
        }
        assertThat(timings).as("timings read from /metrics").isGreaterThan(40);
        return out;
    }

    private static Set<String> difference(Set<String> left, Set<String> right) {
        Set<String> out = new TreeSet<>(left);
        out.removeAll(right);
        return out;
    }
}
