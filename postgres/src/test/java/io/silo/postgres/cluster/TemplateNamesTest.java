package io.silo.postgres.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.postgres.schema.SchemaApplier;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import org.junit.jupiter.api.Test;

/**
 * Regression (issue 14): template databases were named by the template's checksum only, so a
 * release that added a table to every tenant database (silo_idempotency) would have copied the
 * template databases built before it into new tenants, without the table.
 */
class TemplateNamesTest {

    @Test
    void aTemplateDatabaseIsNamedByItsTemplateAndTheBaseline() {
        ServiceTemplate crm = TemplateCatalog.builtIn().require("crm");

        String name = TemplateNames.of(crm);

        assertThat(name).startsWith("silo_tpl_crm_v" + crm.version() + "_").hasSizeLessThanOrEqualTo(63);
        assertThat(name)
                .as("not the checksum alone, which does not change with the baseline")
                .doesNotEndWith(crm.checksum().substring(0, 8));
        assertThat(SchemaApplier.baselineDigest()).hasSize(64);
        assertThat(TemplateNames.of(crm)).as("stable").isEqualTo(name);
    }
}
