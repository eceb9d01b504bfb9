package io.silo.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.silo.error.SiloException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Sequences in a template: read with their format, scope and reset; every mistake named by file and place. */
class SequenceTemplatesTest {
    private static final String SOURCE = "services/shop.yaml";

    private static String template(String sequences) {
        return """
                service: shop
                version: 1
                roles:
                  clerk: {read: ["*"], write: ["*"]}
                collections:
                  sales:
                    schema:
                      type: object
                      properties:
                        receiptNumber: {type: string}
                        total: {type: number}
                        branchId: {type: string}
                    sequences:
                %s
                migrations:
                  - version: 1
                """.formatted(sequences.indent(6).stripTrailing());
    }

    @Test
    void readsFormatScopeResetAndTimeZone() {
        ServiceTemplate shop = TemplateLoader.load(SOURCE, template("""
                        receiptNumber: {format: "R{year}-{n:6}", per: branchId, reset: yearly, timeZone: Europe/Zurich}
                        ticket: {format: "T{n}"}
                        """));

        CollectionSpec sales = shop.collection("sales").orElseThrow();
        assertThat(sales.sequences()).containsOnlyKeys("receiptNumber", "ticket");
        assertThat(sales.sequences().keySet()).as("in template order").containsExactly("receiptNumber", "ticket");
        SequenceSpec receipt = sales.sequences().get("receiptNumber");
        assertThat(receipt.format().format(42, 2026)).isEqualTo("R2026-000042");
        assertThat(receipt.per()).contains(FieldPath.parse("branchId"));
        assertThat(receipt.reset()).isEqualTo(SequenceSpec.Reset.YEARLY);
        assertThat(receipt.timeZone()).isEqualTo(ZoneId.of("Europe/Zurich"));
        SequenceSpec ticket = sales.sequences().get("ticket");
        assertThat(ticket.per()).isEqualTo(Optional.empty());
        assertThat(ticket.reset()).isEqualTo(SequenceSpec.Reset.NEVER);
        assertThat(ticket.timeZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void theShippedBillingTemplateNumbersInvoicesPerYear() {
        ServiceTemplate billing = TemplateCatalog.builtIn().require("billing");

        SequenceSpec number =
                billing.collection("invoices").orElseThrow().sequences().get("number");
        assertThat(number.format().format(42, 2026)).isEqualTo("INV-2026-00042");
        assertThat(number.reset()).isEqualTo(SequenceSpec.Reset.YEARLY);
        assertThat(billing.version()).as("the sequence came with migration 2").isEqualTo(2);
        assertThat(billing.migrations().getLast().description()).contains("numbered");
    }

    @Test
    void everyMistakeIsNamedByFileAndPlace() {
        assertThat(problems("""
                        receiptNumber: {format: "R-{count}"}
                        total: {format: "{n}"}
                        _id: {format: "{n}"}
                        "a.b": {format: "{n}"}
                        """))
                .containsExactlyInAnyOrder(
                        "services/shop.yaml: collections.sales.sequences.receiptNumber.format: 'R-{count}': {count} is"
                                + " not a placeholder: use {n}, {n:W} (W digits, zero-padded) or {year}",
                        "services/shop.yaml: collections.sales.sequences.total: the schema declares total as"
                                + " \"number\", but a sequence writes text: declare it {type: string}",
                        "services/shop.yaml: collections.sales.sequences._id: '_id' is not a top-level field a"
                                + " sequence can fill: an identifier (letters, digits, _) that does not start with _"
                                + " (Silo's meta fields)",
                        "services/shop.yaml: collections.sales.sequences.a.b: 'a.b' is not a top-level field a"
                                + " sequence can fill: an identifier (letters, digits, _) that does not start with _"
                                + " (Silo's meta fields)");
        assertThat(problems("""
                        receiptNumber: {format: "R-{n}", reset: yearly, timeZone: Mars/Olympus, per: receiptNumber}
                        ticket: {format: "T{n}", reset: monthly, per: "branch id", color: red}
                        """))
                .containsExactlyInAnyOrder(
                        "services/shop.yaml: collections.sales.sequences.receiptNumber.per: a counter cannot be kept"
                                + " per the field it numbers",
                        "services/shop.yaml: collections.sales.sequences.receiptNumber.reset: a yearly counter needs"
                                + " {year} in the format, or each year would repeat the numbers of the year before",
                        "services/shop.yaml: collections.sales.sequences.receiptNumber.timeZone: 'Mars/Olympus' is not"
                                + " a time zone: use a region such as Europe/Zurich, or UTC",
                        "services/shop.yaml: collections.sales.sequences.ticket.color: unknown key; expected one of"
                                + " format, per, reset, timeZone",
                        "services/shop.yaml: collections.sales.sequences.ticket.per: 'branch id' is not a field path:"
                                + " use identifiers (letters, digits, _) joined by dots, at most 8 deep",
                        "services/shop.yaml: collections.sales.sequences.ticket.reset: 'monthly' is not a reset: use"
                                + " never (the default) or yearly");
        assertThat(problems("""
                        receiptNumber: {format: "R-{n}", per: ticket}
                        ticket: {}
                        """))
                .containsExactlyInAnyOrder(
                        "services/shop.yaml: collections.sales.sequences.ticket.format: is required",
                        "services/shop.yaml: collections.sales.sequences.receiptNumber.per: 'ticket' is numbered by a"
                                + " sequence itself; a counter's scope must be a field the client sends");
        assertThat(problems("receiptNumber: R-{n}\n"))
                .containsExactly("services/shop.yaml: collections.sales.sequences.receiptNumber: 'R-{n}' is not a"
                        + " mapping of format, per, reset, timeZone");
    }

    @SuppressWarnings("unchecked")
    private static List<String> problems(String sequences) {
        SiloException e =
                catchThrowableOfType(SiloException.class, () -> TemplateLoader.load(SOURCE, template(sequences)));
        assertThat(e).as("the template is refused").isNotNull();
        assertThat(e.type()).isEqualTo("invalid-template");
        return (List<String>) e.extensions().get("errors");
    }
}
