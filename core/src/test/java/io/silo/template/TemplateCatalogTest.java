package io.silo.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.config.ConfigException;
import io.silo.error.ErrorKind;
import io.silo.error.SiloException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateCatalogTest {

    @Test
    void everyShippedTemplateLoadsWithCoreFirst() {
        TemplateCatalog catalog = TemplateCatalog.builtIn();

        assertThat(catalog.all())
                .extracting(ServiceTemplate::service)
                .containsExactly("core", "billing", "crm", "erp", "pingora", "pos", "school");
        assertThat(catalog.core().service()).isEqualTo("core");
        assertThat(catalog.find("billing")).isPresent();
        assertThat(catalog.find("nothing")).isEmpty();
    }

    @Test
    void everyFileOfTheServicesDirectoryIsListedAsBuiltIn() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../services"))) {
            assertThat(files.filter(Files::isRegularFile)
                            .map(file -> file.getFileName().toString()))
                    .as("TemplateCatalog.BUILT_IN names every file of services/, and nothing else is there")
                    .containsExactlyInAnyOrderElementsOf(TemplateCatalog.BUILT_IN.stream()
                            .map(name -> name + ".yaml")
                            .toList());
        }
    }

    @Test
    void everyShippedServiceKeepsItsEarlierVersionsFromHistory() {
        TemplateCatalog catalog = TemplateCatalog.builtIn();
        TemplateCatalog loaded = TemplateCatalog.load(Optional.empty());

        for (ServiceTemplate newest : catalog.all()) {
            assertThat(loaded.at(newest.service(), newest.version())).contains(loaded.require(newest.service()));
            for (int version = 1; version < newest.version(); version++) {
                assertThat(loaded.at(newest.service(), version))
                        .as("services/history/%s-v%d.yaml", newest.service(), version)
                        .hasValueSatisfying(old -> assertThat(old.service()).isEqualTo(newest.service()));
            }
            assertThat(loaded.at(newest.service(), newest.version() + 1))
                    .as("a version this release does not know")
                    .isEmpty();
        }
        assertThat(loaded.at("pos", 1).orElseThrow().collections()).doesNotContainKey("files");
        assertThat(loaded.earlierVersions("pos")).containsExactly(1);
    }

    @Test
    void userDirectoryKeepsEarlierVersionsInHistory(@TempDir Path dir) throws IOException {
        write(dir, "library.yaml", minimal("library").replaceFirst("version: 1", "version: 2") + """
                  - version: 2
                    description: titles
                """);
        write(dir.resolve("history"), "library-v1.yaml", minimal("library"));

        TemplateCatalog catalog = TemplateCatalog.load(Optional.of(dir));

        assertThat(catalog.at("library", 1).orElseThrow().version()).isEqualTo(1);
        assertThat(catalog.at("library", 2).orElseThrow()).isSameAs(catalog.require("library"));
    }

    @Test
    void anEarlierVersionMustBeAnAncestorAndNamedForItsVersion(@TempDir Path dir) throws IOException {
        write(dir, "library.yaml", minimal("library").replaceFirst("version: 1", "version: 2") + """
                  - version: 2
                    description: loans
                """);
        write(dir.resolve("history"), "library-v3.yaml", minimal("library"));

        assertThatThrownBy(() -> TemplateCatalog.load(Optional.of(dir)))
                .hasMessageContaining(
                        "library-v3.yaml: it holds version 1 of service 'library'; name the file library-v1.yaml");

        Files.delete(dir.resolve("history/library-v3.yaml"));
        write(dir.resolve("history"), "library-v1.yaml", minimal("library") + """
                    operations:
                      - sql: "SELECT 1"
                """);
        assertThatThrownBy(() -> TemplateCatalog.load(Optional.of(dir)))
                .hasMessageContaining("library-v1.yaml: migrations[0] (version 1) differs from the newest template's");
    }

    @Test
    void unknownServiceIsNotFoundAndNamesTheKnownOnes() {
        assertThatThrownBy(() -> TemplateCatalog.builtIn().require("biling"))
                .isInstanceOfSatisfying(SiloException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.type()).isEqualTo("unknown-service");
                })
                .hasMessage("unknown service 'biling'; the services are core, billing, crm, erp, pingora, pos, school");
    }

    @Test
    void userDirectoryAddsServices(@TempDir Path dir) throws IOException {
        write(dir, "library.yaml", minimal("library"));

        TemplateCatalog catalog = TemplateCatalog.load(Optional.of(dir));

        assertThat(catalog.require("library").collections()).containsKey("books");
        assertThat(catalog.all()).hasSize(TemplateCatalog.BUILT_IN.size() + 1);
    }

    @Test
    void userDirectoryReplacesAShippedService(@TempDir Path dir) throws IOException {
        write(dir, "billing.yml", minimal("billing"));

        assertThat(TemplateCatalog.load(Optional.of(dir)).require("billing").collections())
                .containsOnlyKeys("books");
    }

    @Test
    void coreCannotBeReplaced(@TempDir Path dir) throws IOException {
        write(dir, "core.yaml", minimal("core"));

        assertThatThrownBy(() -> TemplateCatalog.load(Optional.of(dir)))
                .isInstanceOfSatisfying(
                        SiloException.class, e -> assertThat(e.type()).isEqualTo("invalid-template"))
                .hasMessageContaining("core.yaml: the core service cannot be replaced");
    }

    @Test
    void invalidUserTemplateStopsStartUpNamingFileAndPlace(@TempDir Path dir) throws IOException {
        write(dir, "library.yaml", minimal("library").replace("- title", "- 'title page'"));

        assertThatThrownBy(() -> TemplateCatalog.load(Optional.of(dir)))
                .isInstanceOfSatisfying(SiloException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
                    assertThat(e.type()).isEqualTo("invalid-template");
                })
                .hasMessageStartingWith(dir.resolve("library.yaml")
                        + ": collections.books.indexes[0]: 'title page' is not a field path");
    }

    @Test
    void fileMustBeNamedAfterItsService(@TempDir Path dir) throws IOException {
        write(dir, "books.yaml", minimal("library"));

        assertThatThrownBy(() -> TemplateCatalog.load(Optional.of(dir)))
                .hasMessageContaining(
                        "books.yaml: service: 'library' does not match the file name; name the file library.yaml");
    }

    @Test
    void serviceDefinedByTwoFilesIsRefused(@TempDir Path dir) throws IOException {
        write(dir, "library.yaml", minimal("library"));
        write(dir, "library.yml", minimal("library"));

        assertThatThrownBy(() -> TemplateCatalog.load(Optional.of(dir)))
                .hasMessageContaining("service library is already defined by");
    }

    @Test
    void missingUserDirectoryIsAConfigurationError(@TempDir Path dir) {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> TemplateCatalog.load(Optional.of(missing)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("services.dir " + missing + " is not a directory");
    }

    @Test
    void catalogWithoutCoreIsRefused() {
        ServiceTemplate billing = TemplateCatalog.builtIn().require("billing");

        assertThatThrownBy(() -> TemplateCatalog.of(java.util.List.of(billing)))
                .hasMessageContaining("no template for service core");
    }

    static String minimal(String service) {
        return """
                service: %s
                version: 1
                roles:
                  reader: {read: [books]}
                collections:
                  books:
                    schema: {type: object, required: [title]}
                    indexes:
                      - title
                migrations:
                  - version: 1
                """.formatted(service);
    }

    private static void write(Path dir, String name, String text) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name), text);
    }

    @Test
    void adoptTakesANewVersionBesideTheOneServedAndRefusesAFileLimitAboveTheOneItStartedWith(@TempDir Path services)
            throws IOException {
        Files.writeString(services.resolve("vault.yaml"), vault(1, 1024));
        TemplateCatalog catalog = TemplateCatalog.load(Optional.of(services));
        long started = catalog.uploadLimit();
        assertThat(catalog.adopt(TemplateCatalog.load(Optional.of(services)))).isEmpty();

        release(services, 1, vault(2, 2048));
        assertThat(catalog.adopt(TemplateCatalog.load(Optional.of(services))))
                .containsExactly(new TemplateCatalog.Raised("vault", 1, 2));
        assertThat(catalog.require("vault").version()).isEqualTo(2);
        assertThat(catalog.at("vault", 1)).isPresent();

        release(services, 2, vault(3, FileRules.LIMIT));
        assertThatThrownBy(() -> catalog.adopt(TemplateCatalog.load(Optional.of(services))))
                .isInstanceOfSatisfying(
                        SiloException.class, e -> assertThat(e.type()).isEqualTo("template-reload-refused"))
                .hasMessageContaining("a file limit of " + FileRules.LIMIT + " bytes is above the largest this Silo"
                        + " started with (" + started + ")");
        assertThat(catalog.require("vault").version()).as("nothing changed").isEqualTo(2);
        assertThat(catalog.uploadLimit()).isEqualTo(started);
    }

    @Test
    void aFileLimitLoweredByAReloadMayRiseAgainUpToTheOneItStartedWith(@TempDir Path services) throws IOException {
        Files.writeString(services.resolve("vault.yaml"), vault(1, FileRules.LIMIT));
        TemplateCatalog catalog = TemplateCatalog.load(Optional.of(services));

        release(services, 1, vault(2, 1024));
        assertThat(catalog.adopt(TemplateCatalog.load(Optional.of(services)))).hasSize(1);
        release(services, 2, vault(3, FileRules.LIMIT));

        assertThat(catalog.adopt(TemplateCatalog.load(Optional.of(services))))
                .containsExactly(new TemplateCatalog.Raised("vault", 2, 3));
        assertThat(catalog.uploadLimit()).isEqualTo(FileRules.LIMIT);
    }

    /** Keeps the newest vault as {@code history/vault-v<released>.yaml} and writes {@code next} as the newest. */
    private static void release(Path services, int released, String next) throws IOException {
        Files.createDirectories(services.resolve("history"));
        Files.move(services.resolve("vault.yaml"), services.resolve("history/vault-v" + released + ".yaml"));
        Files.writeString(services.resolve("vault.yaml"), next);
    }

    /** A service with one collection taking files up to {@code maxBytes}, at {@code version}. */
    private static String vault(int version, long maxBytes) {
        StringBuilder text = new StringBuilder("service: vault\nversion: " + version + "\n"
                + "roles:\n  keeper: {read: [\"*\"], write: [\"*\"]}\n"
                + "collections:\n  boxes:\n    files:\n      maxBytes: " + maxBytes + "\n"
                + "      contentTypes: [image/png]\nmigrations:\n  - version: 1\n    description: boxes\n");
        for (int v = 2; v <= version; v++) {
            text.append("  - version: ")
                    .append(v)
                    .append("\n    description: limit ")
                    .append(v)
                    .append('\n');
        }
        return text.toString();
    }
}
