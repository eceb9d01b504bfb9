package io.silo.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.error.ErrorKind;
import io.silo.error.SiloException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DatabaseNamerTest {
    private static final UUID ID = UUID.fromString("0190f5a2-7c3e-7b1a-9d4e-2f6a8b0c1d2e");
    private static final Instant CREATED = Instant.ofEpochMilli(1_731_760_496_123L);
    private static final NamingContext TECHCORP = NamingContext.of(ID, "techcorp", "TechCorp Solutions", CREATED);

    private final DatabaseNamer namer = DatabaseNamer.standard();

    @Test
    void serviceAndOrganizationNameAsTheOfficeSuiteNamedThem() {
        assertThat(namer.name("{service}_{name}", "billing", TECHCORP)).isEqualTo("billing_techcorp_solutions");
        assertThat(namer.name("{service}_{name}", "crm", TECHCORP)).isEqualTo("crm_techcorp_solutions");
    }

    @Test
    void tenantIdAsThePointOfSaleNamedThem() {
        assertThat(namer.name("tenant_{tenantId}", "pos", TECHCORP))
                .isEqualTo("tenant_0190f5a2_7c3e_7b1a_9d4e_2f6a8b0c1d2e");
    }

    @Test
    void businessTypeAndSlugAsTheErpNamedThem() {
        NamingContext techland =
                NamingContext.of(ID, "techland", "TechLand Computers", CREATED).withBusinessType("computer");

        assertThat(namer.name("{businessType}_{slug}_db", "erp", techland)).isEqualTo("computer_techland_db");
    }

    @Test
    void adminUsernameAndCreationMillisAsTheSchoolCrmNamedThem() {
        NamingContext school = TECHCORP.withAdminUsername("principal");

        assertThat(namer.name("smart_crm_{adminUsername}_{createdMillis}", "school", school))
                .isEqualTo("smart_crm_principal_1731760496123");
    }

    @Test
    void everyCharacterOutsideLettersAndDigitsBecomesOneUnderscoreWithoutTransliteration() {
        NamingContext cafe = NamingContext.of(ID, "cafe", "Café Zürich", CREATED);

        assertThat(namer.name("{service}_{name}", "billing", cafe)).isEqualTo("billing_caf__z_rich");
        assertThat(Identifiers.sanitize("A&B  Co.")).isEqualTo("a_b__co_");
        assertThat(Identifiers.sanitize("Ärzte-Haus 24/7")).isEqualTo("_rzte_haus_24_7");
    }

    @Test
    void longNamesAreCutAndGivenAStableHash() {
        String longName = "The Very Long Name Of An Organization That Goes On And On Beyond Any Limit";
        NamingContext one = NamingContext.of(ID, "long", longName, CREATED);
        NamingContext other = NamingContext.of(ID, "long", longName + " Two", CREATED);

        String name = namer.name("{service}_{name}", "billing", one);

        assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(63);
        assertThat(name)
                .startsWith("billing_the_very_long_name_of_an_organization_that_go")
                .matches("[a-z0-9_]+_[0-9a-f]{8}");
        assertThat(namer.name("{service}_{name}", "billing", one)).as("stable").isEqualTo(name);
        assertThat(namer.name("{service}_{name}", "billing", other))
                .as("unique past the cut")
                .isNotEqualTo(name);
    }

    @Test
    void namesOfSixtyThreeBytesAreKeptAsTheyAre() {
        String exactly = "a".repeat(63 - "billing_".length());

        assertThat(namer.name("{service}_{name}", "billing", NamingContext.of(ID, "x", exactly, CREATED)))
                .isEqualTo("billing_" + exactly);
    }

    @Test
    void missingVariableNamesTheVariableAndThePattern() {
        assertThatThrownBy(() -> namer.name("{businessType}_{slug}_db", "erp", TECHCORP))
                .isInstanceOfSatisfying(SiloException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNPROCESSABLE);
                    assertThat(e.type()).isEqualTo("naming-variable-missing");
                    assertThat(e.extensions())
                            .containsEntry("variable", "businessType")
                            .containsEntry("pattern", "{businessType}_{slug}_db");
                })
                .hasMessage("the database-name pattern '{businessType}_{slug}_db' of service erp needs {businessType},"
                        + " and tenant techcorp has none");
        assertThatThrownBy(() -> namer.name("smart_crm_{adminUsername}_{createdMillis}", "school", TECHCORP))
                .hasMessageContaining("needs {adminUsername}");
    }

    @Test
    void valueWithoutLetterOrDigitIsMissingRatherThanAName() {
        NamingContext empty = NamingContext.of(ID, "x", "", CREATED);
        NamingContext symbols = NamingContext.of(ID, "x", "日本", CREATED);

        assertThatThrownBy(() -> namer.name("{service}_{name}", "billing", empty))
                .hasMessageEndingWith("and tenant x has '', which has no letter a-z or digit");
        assertThatThrownBy(() -> namer.name("{service}_{name}", "billing", symbols))
                .isInstanceOfSatisfying(
                        SiloException.class, e -> assertThat(e.type()).isEqualTo("naming-variable-missing"));
    }

    @Test
    void reservedNamesAreRefused() {
        NamingContext postgres = NamingContext.of(ID, "postgres", "Postgres", CREATED);

        assertThatThrownBy(() -> namer.name("{slug}", "any", postgres))
                .isInstanceOfSatisfying(SiloException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
                    assertThat(e.type()).isEqualTo("database-name-reserved");
                })
                .hasMessageStartingWith(
                        "database name 'postgres' of service any for tenant postgres (pattern '{slug}') is reserved");
        for (String reserved : List.of("template0", "template1", "silo", "silo_anything")) {
            assertThatThrownBy(() -> namer.name("{slug}", "any", NamingContext.of(ID, reserved, reserved, CREATED)))
                    .as(reserved)
                    .hasMessageContaining("is reserved");
        }
        assertThat(namer.name("{slug}", "any", NamingContext.of(ID, "silos", "Silos", CREATED)))
                .isEqualTo("silos");
    }

    @Test
    void aControlDatabaseOfAnotherNameIsReservedToo() {
        DatabaseNamer custom = DatabaseNamer.reserving(List.of("control"));

        assertThatThrownBy(() -> custom.name("{slug}", "any", NamingContext.of(ID, "control", "Control", CREATED)))
                .hasMessageContaining("is reserved");
        assertThat(custom.isReserved("postgres")).isTrue();
    }

    @Test
    void patternsAreCheckedBeforeUse() {
        assertThatThrownBy(() -> DatabaseNamer.checkPattern("{service}_{company}"))
                .isInstanceOfSatisfying(
                        SiloException.class, e -> assertThat(e.type()).isEqualTo("invalid-name-pattern"))
                .hasMessage(
                        "'{service}_{company}' is not a database-name pattern: {company} is not a variable; use {service} {slug}"
                                + " {name} {tenantId} {businessType} {adminUsername} {createdMillis}");
        assertThatThrownBy(() -> DatabaseNamer.checkPattern("{service}_{slug")).hasMessageContaining("is never closed");
        assertThatThrownBy(() -> DatabaseNamer.checkPattern("Billing_{slug}"))
                .hasMessageContaining("may hold only a-z, 0-9 and _");
        assertThatThrownBy(() -> DatabaseNamer.checkPattern("")).hasMessageContaining("may not be empty");
        assertThatThrownBy(() -> DatabaseNamer.checkPattern("{service}_{businessType}"))
                .hasMessageContaining("same name");
        assertThatThrownBy(() -> DatabaseNamer.checkPattern("silo_{slug}")).hasMessageContaining("reserved for Silo");
        DatabaseNamer.checkPattern("{service}_{name}");
        DatabaseNamer.checkPattern("tenant_{tenantId}");
        DatabaseNamer.checkPattern("{businessType}_{slug}_db");
        DatabaseNamer.checkPattern("smart_crm_{adminUsername}_{createdMillis}");
    }

    @Test
    void fitLeavesShortNamesAloneAndCutsLongOnesOnCharacterBoundaries() {
        assertThat(Identifiers.fit("short")).isEqualTo("short");
        String multibyte = "é".repeat(40);

        String fitted = Identifiers.fit(multibyte);

        assertThat(fitted.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(fitted).startsWith("ééé").matches("é+_[0-9a-f]{8}");
    }
}
