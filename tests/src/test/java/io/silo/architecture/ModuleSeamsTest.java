package io.silo.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import java.util.List;
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
        // the modules on this one's classpath, and the two that come after it in the build, from their classes
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPaths(List.of(
                        Path.of("../core/target/classes"),
                        Path.of("../postgres/target/classes"),
                        Path.of("../app/target/classes"),
                        Path.of("../http/target/classes"),
                        Path.of("../testing/target/classes"),
                        Path.of("../cli/target/classes"),
                        Path.of("../bench/target/classes")));
    }

    @Test
    void theApplicationLayerKnowsNoHttp() {
        noClasses()
                .that()
                .resideInAPackage("io.silo.app..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.javalin..", "org.eclipse.jetty..", "jakarta.servlet..", "io.silo.http..")
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
    void onlyTheHttpModuleAndTheCliKnowTheHttpFramework() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.silo.http..", "io.silo.bench..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.javalin..", "org.eclipse.jetty..")
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

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("io.silo.(**)").should().beFreeOfCycles().check(classes);
    }
}
