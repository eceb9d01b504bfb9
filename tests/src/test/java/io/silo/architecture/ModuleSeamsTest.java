package io.silo.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture's rules, checked on the compiled main classes of every module: dependencies point
 * inward ({@code http → app → postgres → core}), the application layer never sees an HTTP framework,
 * {@code postgres.internal} stays inside {@code postgres}, and no two packages depend on each other.
 * Maven's enforcer bans an HTTP framework from {@code app}'s dependencies; this test bans its use.
 */
class ModuleSeamsTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        // every module's classes, from their build directories: cli and bench are not on this module's
        // class path (their jars' manifests would put PostgreSQL's binaries on it twice)
        List<Path> modules = Stream.of("core", "postgres", "app", "http", "testing", "cli", "bench", "clients/java")
                .map(module -> Path.of("..", module, "target", "classes"))
                .toList();
        assertThat(modules)
                .as("every module is built before the integration suite (it is the last module of the reactor)")
                .allSatisfy(directory -> assertThat(directory).isDirectory());
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPaths(modules);
    }

    @Test
    void theApplicationLayerKnowsNoHttp() {
        noClasses()
                .that()
                .resideInAPackage("io.silo.app..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.helidon..", "io.silo.http..")
                .check(classes);
    }

    @Test
    void dependenciesPointInward() {
        noClasses()
                .that()
                .resideInAnyPackage("io.silo.postgres..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.silo.app..", "io.silo.http..", "io.silo.cli..")
                .check(classes);
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.silo.config..",
                        "io.silo.crypto..",
                        "io.silo.error..",
                        "io.silo.json..",
                        "io.silo.naming..",
                        "io.silo.template..",
                        "io.silo.tenant..",
                        "io.silo.cluster..",
                        "io.silo.identity..",
                        "io.silo.job..",
                        "io.silo.audit..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.silo.postgres..", "io.silo.app..", "io.silo.http..", "java.sql..")
                .check(classes);
    }

    @Test
    void onlyTheHttpModuleKnowsTheHttpFramework() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.silo.http..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.helidon..")
                .check(classes);
    }

    @Test
    void postgresInternalStaysInsidePostgres() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.silo.postgres..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.silo.postgres.internal..")
                .check(classes);
    }

    /** An application takes the client's jar and Jackson, never the server's modules. */
    @Test
    void theJavaClientStandsAlone() {
        classes()
                .that()
                .resideInAPackage("io.silo.client..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("io.silo.client..", "java..", "tools.jackson..")
                .check(classes);
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("io.silo.(**)").should().beFreeOfCycles().check(classes);
    }
}
