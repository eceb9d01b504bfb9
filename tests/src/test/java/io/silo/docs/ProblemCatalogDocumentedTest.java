package io.silo.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.error.ErrorKind;
import io.silo.error.ProblemType;
import io.silo.http.openapi.OpenApiEndpoint;
import io.silo.http.server.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Clients branch on a problem's type, so {@code docs/errors.md} lists exactly the catalog
 * ({@link ProblemType}): every type, in its order, with the status its kind is answered with ("—"
 * for those no client receives) and its description. And the catalog is the only way to build a
 * problem: no main code constructs a {@code SiloException} itself.
 */
class ProblemCatalogDocumentedTest {
    private static final Path ROOT = Path.of("..");
    /** The names a body may give that name nothing: 422 there, 404 in a path ({@link ProblemType#inBody}). */
    private static final Set<ProblemType> MENTIONED_IN_BODIES =
            Set.of(ProblemType.UNKNOWN_SERVICE, ProblemType.SERVICE_NOT_ENABLED);

    @Test
    void theErrorsPageListsTheCatalogAsItIs() throws IOException {
        List<String> documented = Files.readAllLines(ROOT.resolve("docs/errors.md")).stream()
                .filter(line -> line.startsWith("| `"))
                .toList();
        List<String> catalog = Arrays.stream(ProblemType.values())
                .map(problem -> "| `" + problem.type() + "` | "
                        + (problem.answered() ? Integer.toString(Problems.status(problem.kind())) : "—") + " | "
                        + problem.when() + " |")
                .toList();

        assertThat(documented)
                .as("docs/errors.md's table, row for row; the rows the catalog makes:%n%s", String.join("\n", catalog))
                .containsExactlyElementsOf(catalog);
    }

    /** The API description's problem schemas (Problem400 …) list the types answered with their status. */
    @Test
    void theApiDescriptionListsTheCatalogByStatus() throws IOException {
        JsonNode schemas = OpenApiEndpoint.document().path("components").path("schemas");
        for (int status : List.of(400, 401, 403, 404, 405, 409, 410, 413, 415, 416, 422, 429, 500, 503)) {
            Set<String> described = new TreeSet<>();
            for (JsonNode part : schemas.path("Problem" + status).path("allOf")) {
                JsonNode type = part.path("properties").path("type");
                List<JsonNode> values = type.has("const")
                        ? List.of(type.get("const"))
                        : type.path("enum").valueStream().toList();
                values.forEach(value -> described.add(value.asString().substring(Problems.TYPE_PREFIX.length())));
            }
            Set<String> catalog = new TreeSet<>();
            for (ProblemType problem : ProblemType.values()) {
                boolean answeredWithIt = problem.answered() && Problems.status(problem.kind()) == status;
                boolean missingNameInABody =
                        status == 422 && problem.kind() == ErrorKind.NOT_FOUND && MENTIONED_IN_BODIES.contains(problem);
                if (answeredWithIt || missingNameInABody) {
                    catalog.add(problem.type());
                }
            }
            assertThat(described)
                    .as("types of Problem%d in openapi.yaml", status)
                    .isEqualTo(catalog);
        }
    }

    @Test
    void problemsAreBuiltOnlyFromTheCatalog() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (String module : List.of("core", "postgres", "app", "http", "cli")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path file :
                        files.filter(path -> path.toString().endsWith(".java")).toList()) {
                    boolean errorPackage = file.toString().contains("/io/silo/error/");
                    if (!errorPackage && Files.readString(file).contains("new SiloException(")) {
                        offenders.add(file.toString());
                    }
                }
            }
        }
        assertThat(offenders)
                .as("classes that build a SiloException outside the catalog")
                .isEmpty();
    }
}
