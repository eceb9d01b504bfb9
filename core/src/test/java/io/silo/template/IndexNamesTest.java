package io.silo.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class IndexNamesTest {

    @Test
    void namesSayCollectionFieldsAndKind() {
        assertThat(IndexNames.index("invoices", paths("status"))).isEqualTo("invoices_status_idx");
        assertThat(IndexNames.index("invoices", paths("customer.id", "dueDate")))
                .isEqualTo("invoices_customer_id_duedate_idx");
        assertThat(IndexNames.uniqueKey("invoices", paths("number"))).isEqualTo("invoices_number_key");
    }

    @Test
    void longNamesAreCutToSixtyThreeBytesWithAStableHash() {
        List<FieldPath> fields = paths("customer.billingAddress.postalCode", "customer.billingAddress.countryCode");

        String name = IndexNames.index("subscriptions", fields);

        assertThat(name)
                .hasSize(63)
                .startsWith("subscriptions_customer_billingaddress_postalcode_custo_")
                .matches(".*_[0-9a-f]{8}");
        assertThat(IndexNames.index("subscriptions", fields)).isEqualTo(name);
        assertThat(IndexNames.uniqueKey("subscriptions", fields))
                .as("the kind is part of what is hashed")
                .isNotEqualTo(name);
    }

    private static List<FieldPath> paths(String... paths) {
        return Stream.of(paths).map(FieldPath::parse).toList();
    }
}
