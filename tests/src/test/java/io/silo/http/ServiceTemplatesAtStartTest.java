package io.silo.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.error.ErrorKind;
import io.silo.error.SiloException;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Templates of services.dir are read at start-up, and a broken one stops it. */
class ServiceTemplatesAtStartTest {
    private static final String LIBRARY = """
            service: library
            version: 1
            roles:
              reader: {read: [books]}
            collections:
              books:
                schema: {type: object}
            migrations:
              - version: 1
            """;

    @Test
    void invalidTemplateStopsStartUpNamingFileAndPlace(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("library.yaml"), LIBRARY.replace("read: [books]", "read: [magazines]"));

        assertThatThrownBy(() -> Silo.start(TestSilo.config(1, Map.of("SILO_SERVICES_DIR", dir.toString()))))
                .isInstanceOfSatisfying(SiloException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
                    assertThat(e.type()).isEqualTo("invalid-template");
                })
                .hasMessage(
                        dir.resolve("library.yaml") + ": roles.reader.read[0]: 'magazines' is not a collection of this"
                                + " service; use one of books or *");
    }

    @Test
    void templatesOfTheServicesDirectoryJoinTheShippedOnes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("library.yaml"), LIBRARY);

        try (TestSilo silo = TestSilo.start(1, Map.of("SILO_SERVICES_DIR", dir.toString()))) {
            assertThat(silo.silo().application().templates().require("library").collections())
                    .containsOnlyKeys("books");
            assertThat(silo.silo().application().templates().core().service()).isEqualTo("core");
        }
    }
}
