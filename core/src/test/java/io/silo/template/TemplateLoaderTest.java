package io.silo.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.silo.error.ErrorKind;
import io.silo.error.SiloException;
import io.silo.template.CollectionSpec.IndexSpec;
import io.silo.template.Migration.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateLoaderTest {
    private static final String SOURCE = "services/billing.yaml";

    private static final String VALID = """
            # a comment
            service: billing
            version: 2
            description: Invoices and payments.
            databaseName: "{service}_{name}"
            roles:
              user:
                description: Sees invoices.
                read: [invoices]
              admin:
                read: ["*"]
                write: ["*"]
            collections:
              invoices:
                schema:
                  type: object
                  required: [number, status]
                  properties:
                    number: {type: string}
                    status: {enum: [draft, paid]}
                    customer:
                      type: object
                      properties:
                        id: {type: string}
                indexes:
                  - status
                  - [customer.id, status]
                  - {fields: [dueDate], descending: true}
                unique:
                  - number
                  - [customer.id, reference]
                private: [internalNote]
              payments: {}
            migrations:
              - version: 1
                description: first
              - version: 2
                description: second
                operations:
                  - renameField: {collection: invoices, from: due, to: dueDate}
                  - setDefault: {collection: invoices, field: currency, value: EUR}
                  - dropIndex: {collection: invoices, fields: [legacy]}
                  - sql: UPDATE invoices SET version = version
            """;

    @Test
    void readsEveryPartOfATemplate() {
        ServiceTemplate template = TemplateLoader.load(SOURCE, VALID);

        assertThat(template.service()).isEqualTo("billing");
        assertThat(template.version()).isEqualTo(2);
        assertThat(template.description()).isEqualTo("Invoices and payments.");
        assertThat(template.databaseNamePattern()).isEqualTo("{service}_{name}");
        assertThat(template.roles()).containsOnlyKeys("user", "admin");
        assertThat(template.defaultRole()).isEqualTo("user");
        assertThat(template.role("user").orElseThrow().mayRead("invoices")).isTrue();
        assertThat(template.role("user").orElseThrow().mayWrite("invoices")).isFalse();
        assertThat(template.role("admin").orElseThrow().mayWrite("payments")).isTrue();
        assertThat(template.collections()).containsOnlyKeys("invoices", "payments");
        CollectionSpec invoices = template.collection("invoices").orElseThrow();
        assertThat(invoices.schema())
                .hasValueSatisfying(
                        schema -> assertThat(schema.path("type").asString()).isEqualTo("object"));
        assertThat(invoices.indexes())
                .containsExactly(
                        new IndexSpec(List.of(FieldPath.parse("status")), false),
                        new IndexSpec(List.of(FieldPath.parse("customer.id"), FieldPath.parse("status")), false),
                        new IndexSpec(List.of(FieldPath.parse("dueDate")), true));
        assertThat(invoices.unique())
                .containsExactly(
                        List.of(FieldPath.parse("number")),
                        List.of(FieldPath.parse("customer.id"), FieldPath.parse("reference")));
        assertThat(invoices.privateFields()).containsExactly("internalNote");
        assertThat(template.collection("payments").orElseThrow().schema()).isEmpty();
        assertThat(template.migrations()).extracting(Migration::version).containsExactly(1, 2);
        assertThat(template.migrations().get(1).operations())
                .containsExactly(
                        new Operation.RenameField("invoices", "due", "dueDate"),
                        new Operation.SetDefault("invoices", "currency", io.silo.json.Json.read("\"EUR\"")),
                        new Operation.DropIndex("invoices", List.of(FieldPath.parse("legacy"))),
                        new Operation.Sql("UPDATE invoices SET version = version"));
        assertThat(template.checksum()).hasSize(64);
    }

    @Test
    void problemNamesFileThePathInsideAndTheBadValue() {
        SiloException e = failure(
                VALID.replace("- status\n      - [customer.id", "- status\n      - due date\n      - [customer.id"));

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
        assertThat(e.type()).isEqualTo("invalid-template");
        assertThat(e.getMessage())
                .startsWith("services/billing.yaml: collections.invoices.indexes[1]: 'due date' is not a field path");
    }

    @Test
    void everyProblemOfAFileIsReportedAtOnce() {
        SiloException e = failure(
                VALID.replace("service: billing", "service: Billing").replace("\nversion: 2\n", "\nversion: 1\n"));

        assertThat(e.extensions().get("errors"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactly(
                        "services/billing.yaml: service: 'Billing' is not a service name: use a-z, 0-9 and _, starting with a letter,"
                                + " at most 31; silo and silo_... are Silo's own",
                        "services/billing.yaml: version: '1' is not the last migration's version, 2; a template's version is its"
                                + " highest migration");
        assertThat(e.getMessage().lines()).hasSize(2);
    }

    @Test
    void serviceNamesOfSiloAreRefused() {
        assertThat(problems(VALID.replace("service: billing", "service: silo_billing")))
                .singleElement()
                .asString()
                .contains("service: 'silo_billing' is not a service name");
    }

    @Test
    void migrationsAreNumberedFromOneWithoutGaps() {
        assertThat(problems(VALID.replace("- version: 2", "- version: 3").replace("version: 2\n", "version: 3\n")))
                .containsExactly(
                        SOURCE + ": migrations[1].version: '3' is out of order: migrations are numbered 1, 2, 3 ..."
                                + " without gaps, so this one is 2");
    }

    @Test
    void aTemplateNeedsAtLeastOneMigration() {
        String yaml = VALID.substring(0, VALID.indexOf("migrations:")).replace("version: 2", "version: 1");

        assertThat(problems(yaml))
                .containsExactly(
                        SOURCE + ": migrations: a service needs at least migration 1 (its operations may be empty)");
    }

    @Test
    void collectionNamesAreLowerCaseAndNotSilos() {
        assertThat(problems(VALID.replace("  payments: {}", "  Payments: {}\n  silo_log: {}")))
                .containsExactly(
                        SOURCE
                                + ": collections.Payments: 'Payments' is not a collection name: use a-z, 0-9 and _, starting"
                                + " with a letter, at most 41, and not starting with silo_ (Silo's own tables)",
                        SOURCE
                                + ": collections.silo_log: 'silo_log' is not a collection name: use a-z, 0-9 and _, starting"
                                + " with a letter, at most 41, and not starting with silo_ (Silo's own tables)");
    }

    @Test
    void schemaMustBeValidDraft202012() {
        assertThat(problems(VALID.replace("number: {type: string}", "number: {type: text, minLength: -1}")))
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith(SOURCE + ": collections.invoices.schema.properties.number.type: "))
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith(SOURCE + ": collections.invoices.schema.properties.number.minLength: "));
    }

    @Test
    void schemaMustDescribeObjects() {
        assertThat(problems(VALID.replace("      type: object\n      required", "      type: array\n      required")))
                .containsExactly(
                        SOURCE + ": collections.invoices.schema.type: 'array' is wrong: a collection holds objects,"
                                + " so write type: object");
        assertThat(problems(VALID.replace("      type: object\n      required", "      required")))
                .containsExactly(SOURCE + ": collections.invoices.schema.type: is missing: a collection holds objects,"
                        + " so write type: object");
    }

    @Test
    void schemaOfAnotherDraftIsRefused() {
        assertThat(problems(VALID.replace(
                        "      type: object\n      required",
                        "      $schema: http://json-schema.org/draft-07/schema#\n      type: object\n      required")))
                .singleElement()
                .asString()
                .startsWith(
                        SOURCE
                                + ": collections.invoices.schema.$schema: 'http://json-schema.org/draft-07/schema#' is not draft 2020-12");
    }

    @Test
    void schemaReferencesMustStayInsideTheTemplate() {
        assertThat(problems(VALID.replace("id: {type: string}", "id: {$ref: 'https://example.com/id.json'}")))
                .containsExactly(SOURCE + ": collections.invoices.schema.properties.customer.properties.id.$ref:"
                        + " 'https://example.com/id.json' is not a local reference: a template's schemas must be self-contained"
                        + " (use #/$defs/...)");
    }

    @Test
    void brokenLocalReferenceIsRefused() {
        assertThat(problems(VALID.replace("id: {type: string}", "id: {$ref: '#/$defs/missing'}")))
                .singleElement()
                .asString()
                .startsWith(SOURCE + ": collections.invoices.schema: is not a usable JSON Schema: ");
    }

    @Test
    void localReferencesAreFine() {
        String yaml = VALID.replace("id: {type: string}", "id: {$ref: '#/$defs/id'}")
                .replace(
                        "      required: [number, status]",
                        "      $defs: {id: {type: string}}\n      required: [number, status]");

        assertThat(TemplateLoader.load(SOURCE, yaml).collections()).containsKey("invoices");
    }

    @Test
    void aUniqueKeyOnAPrivateFieldIsRefused() {
        assertThat(problems(VALID.replace("private: [internalNote]", "private: [internalNote, reference]")))
                .containsExactly(SOURCE + ": collections.invoices.unique: a unique key on the private field 'reference'"
                        + " would tell every writer, by a 409, which values other documents hold");
    }

    @Test
    void indexAndUniqueFieldsMustBeFieldPaths() {
        assertThat(problems(VALID.replace("- [customer.id, reference]", "- [customer.id, 'ref-no']")
                        .replace("{fields: [dueDate], descending: true}", "{fields: [], descending: maybe}")))
                .containsExactly(
                        SOURCE + ": collections.invoices.indexes[2].fields: needs 1 to 32 field paths",
                        SOURCE + ": collections.invoices.indexes[2].descending: 'maybe' is not true or false",
                        SOURCE + ": collections.invoices.unique[1][1]: 'ref-no' is not a field path: use identifiers"
                                + " (letters, digits, _) joined by dots, at most 8 deep");
    }

    @Test
    void aSecondIndexOnTheSameFieldsIsRefused() {
        assertThat(problems(VALID.replace("- status\n", "- status\n      - {fields: [status], descending: true}\n")))
                .containsExactly(
                        SOURCE
                                + ": collections.invoices.indexes[1]: a second index on [status]; one index per list of fields");
    }

    @Test
    void indexesWhoseNamesWouldClashAreRefused() {
        String yaml =
                VALID.replace("  payments: {}", "  payments:\n    indexes: [a_b]\n  payments_a:\n    indexes: [b]");

        assertThat(problems(yaml))
                .containsExactly(SOURCE + ": collections.payments_a.indexes[0]: its index name 'payments_a_b_idx'"
                        + " is also the name of collections.payments.indexes[0]; rename a field or a collection");
    }

    @Test
    void filesOfACollectionAreReadWithTheirLimitAndTypes() {
        ServiceTemplate template = TemplateLoader.load(
                SOURCE,
                VALID.replace(
                        "  payments: {}",
                        "  payments:\n    files: {maxBytes: 10485760, contentTypes: [image/png, Audio/*, application/pdf]}"));

        FileRules files = template.collection("payments").orElseThrow().files().orElseThrow();
        assertThat(files.maxBytes()).isEqualTo(10_485_760);
        assertThat(files.contentTypes()).containsExactly("image/png", "audio/*", "application/pdf");
        assertThat(files.accepts("image/png")).isTrue();
        assertThat(files.accepts("audio/ogg; codecs=opus")).isTrue();
        assertThat(files.accepts("AUDIO/MPEG")).isTrue();
        assertThat(files.accepts("image/gif")).isFalse();
        assertThat(files.accepts("audio/*")).as("a family is not a file's type").isFalse();
        assertThat(files.accepts("")).isFalse();
        assertThat(template.collection("invoices").orElseThrow().files())
                .as("no files key, no files")
                .isEmpty();
    }

    @Test
    void filesNeedALimitAndMediaTypes() {
        assertThat(problems(VALID.replace(
                        "  payments: {}",
                        "  payments:\n    files: {maxBytes: 0, contentTypes: [image, '*/*', 'text/plain; charset=x',"
                                + " image/png, image/png, 'image/*png']}")))
                .containsExactly(
                        SOURCE + ": collections.payments.files.maxBytes: '0' is not a whole number of bytes from 1 to"
                                + " 1073741824 (1 GiB)",
                        SOURCE + ": collections.payments.files.contentTypes[0]: 'image' is not a media type: write"
                                + " type/subtype (image/png) or type/* (audio/*), without parameters",
                        SOURCE + ": collections.payments.files.contentTypes[1]: '*/*' accepts any type; name the types"
                                + " or families (image/*) a file may have",
                        SOURCE + ": collections.payments.files.contentTypes[2]: 'text/plain; charset=x' is not a media"
                                + " type: write type/subtype (image/png) or type/* (audio/*), without parameters",
                        SOURCE + ": collections.payments.files.contentTypes[4]: 'image/png' is listed twice",
                        SOURCE + ": collections.payments.files.contentTypes[5]: 'image/*png' is not a media type:"
                                + " write type/subtype (image/png) or type/* (audio/*), without parameters");
        assertThat(problems(VALID.replace("  payments: {}", "  payments:\n    files: {maxBytes: 2147483648, size: 1}")))
                .containsExactly(
                        SOURCE
                                + ": collections.payments.files.size: unknown key; expected one of maxBytes, contentTypes",
                        SOURCE + ": collections.payments.files.maxBytes: '2147483648' is not a whole number of bytes"
                                + " from 1 to 1073741824 (1 GiB)",
                        SOURCE + ": collections.payments.files.contentTypes: is required: the media types a file may"
                                + " have, such as image/png or audio/*");
        assertThat(problems(VALID.replace("  payments: {}", "  payments:\n    files: yes")))
                .containsExactly(
                        SOURCE + ": collections.payments.files: 'yes' is not a mapping of maxBytes, contentTypes");
    }

    @Test
    void rolesAreRequiredAndNameOnlyKnownCollections() {
        assertThat(problems(VALID.replace("read: [invoices]", "read: [invoices, refunds]")))
                .containsExactly(SOURCE + ": roles.user.read[1]: 'refunds' is not a collection of this service;"
                        + " use one of invoices, payments or *");
        String noRoles = VALID.substring(0, VALID.indexOf("roles:")) + VALID.substring(VALID.indexOf("collections:"));
        assertThat(problems(noRoles)).containsExactly(SOURCE + ": roles: a service needs at least one role");
    }

    @Test
    void rulesLimitARoleOnACollection() {
        ServiceTemplate template = TemplateLoader.load(
                SOURCE,
                VALID.replace(
                        "  admin:\n    read: [\"*\"]\n    write: [\"*\"]\n",
                        "  admin:\n    read: [\"*\"]\n    write: [\"*\"]\n"
                                + "    rules:\n      invoices:\n        readableBy: [ownerId, sharedWith]\n"
                                + "        writableBy: [ownerId]\n        readOnly: [number]\n        hidden: [margin]\n"
                                + "        writes: [insert, update]\nadminRole: user\n"));

        CollectionRule rule = template.role("admin").orElseThrow().rule("invoices");
        assertThat(rule.readableBy()).containsExactly("ownerId", "sharedWith");
        assertThat(rule.writableBy()).containsExactly("ownerId");
        assertThat(rule.readOnly()).containsExactly("number");
        assertThat(rule.hidden()).containsExactly("margin");
        assertThat(rule.allows(CollectionRule.Write.DELETE)).isFalse();
        assertThat(template.role("admin").orElseThrow().rule("payments")).isEqualTo(CollectionRule.NONE);
        assertThat(template.adminRole()).isEqualTo("user");
        assertThat(TemplateLoader.load(SOURCE, VALID).adminRole())
                .as("without adminRole, the last role")
                .isEqualTo("admin");
    }

    @Test
    void rulesNameReadableCollectionsTopLevelFieldsAndKnownWrites() {
        String withRules = VALID.replace(
                        "    read: [invoices]\n",
                        "    read: [invoices]\n    rules:\n      payments: {readableBy: [ownerId]}\n"
                                + "      invoices: {readableBy: [owner.id], writableBy: [ownerId], writes: [remove], hidden: 3}\n"
                                + "      invoice: {readableBy: [ownerId]}\n")
                .replace("collections:\n", "adminRole: boss\ncollections:\n");

        assertThat(problems(withRules))
                .containsExactlyInAnyOrder(
                        SOURCE + ": roles.user.rules.payments: role 'user' may not read collection 'payments', so a"
                                + " rule on it means nothing; name it under read or write first",
                        SOURCE + ": roles.user.rules.invoices.readableBy[0]: 'owner.id' is not a top-level field"
                                + " (no dots)",
                        SOURCE + ": roles.user.rules.invoices.writableBy: role 'user' may not write collection"
                                + " 'invoices'; writableBy limits writes",
                        SOURCE + ": roles.user.rules.invoices.writes: role 'user' may not write collection"
                                + " 'invoices'; writes limits writes",
                        SOURCE + ": roles.user.rules.invoices.writes[0]: 'remove' is not a kind of write: use insert,"
                                + " update, delete or files",
                        SOURCE + ": roles.user.rules.invoices.hidden: '3' is not a list",
                        SOURCE + ": roles.user.rules.invoice: 'invoice' is not a collection of this service; use one"
                                + " of invoices, payments",
                        SOURCE + ": adminRole: 'boss' is not a role of this service; use one of user, admin");
    }

    @Test
    void aRoleMayListMembersOnlyWhenItsTemplateSaysSo() {
        ServiceTemplate template = TemplateLoader.load(
                SOURCE, VALID.replace("    write: [\"*\"]\n", "    write: [\"*\"]\n    listMembers: true\n"));

        assertThat(template.role("admin").orElseThrow().listMembers()).isTrue();
        assertThat(template.role("user").orElseThrow().listMembers())
                .as("not said: no")
                .isFalse();
        assertThat(problems(VALID.replace("read: [invoices]", "read: [invoices]\n    listMembers: yes please")))
                .containsExactly(SOURCE + ": roles.user.listMembers: 'yes please' is not true or false");
    }

    @Test
    void migrationOperationsNameKnownCollections() {
        assertThat(problems(VALID.replace("renameField: {collection: invoices", "renameField: {collection: bills")))
                .containsExactly(
                        SOURCE + ": migrations[1].operations[0].renameField.collection: 'bills' is not a collection"
                                + " of this service; use one of invoices, payments");
    }

    @Test
    void operationsHaveOneKnownKind() {
        assertThat(problems(VALID.replace("- sql: UPDATE invoices SET version = version", "- drop: invoices")))
                .singleElement()
                .asString()
                .startsWith(SOURCE + ": migrations[1].operations[3]: '{\"drop\":\"invoices\"}' is not an operation:");
        assertThat(problems(VALID.replace("from: due, to: dueDate", "from: due.date, to: due")))
                .containsExactly(
                        SOURCE
                                + ": migrations[1].operations[0].renameField.from: 'due.date' is not a top-level field (no dots)");
    }

    @Test
    void unknownKeysAreRefusedSoThatTyposShow() {
        assertThat(problems(VALID.replace("    unique:", "    uniqe:")))
                .containsExactly(
                        SOURCE
                                + ": collections.invoices.uniqe: unknown key; expected one of schema, indexes, unique, private, references, files, sequences");
    }

    @Test
    void databaseNamePatternUsesKnownVariablesAndPlainText() {
        assertThat(problems(VALID.replace("{service}_{name}", "{service}_{company}")))
                .singleElement()
                .asString()
                .startsWith(
                        SOURCE
                                + ": databaseName: '{service}_{company}' is not a database-name pattern: {company} is not a variable");
        assertThat(problems(VALID.replace("{service}_{name}", "{service}-{name}")))
                .singleElement()
                .asString()
                .isEqualTo(SOURCE
                        + ": databaseName: '{service}-{name}' is not a database-name pattern: '-' may hold only a-z, 0-9"
                        + " and _ outside of variables");
        assertThat(problems(VALID.replace("{service}_{name}", "{service}_db")))
                .singleElement()
                .asString()
                .contains("every tenant would get the same name");
    }

    @Test
    void databaseNameDefaultsToServiceAndSlug() {
        assertThat(TemplateLoader.load(SOURCE, VALID.replace("databaseName: \"{service}_{name}\"\n", ""))
                        .databaseNamePattern())
                .isEqualTo("{service}_{slug}");
    }

    @Test
    void duplicateKeysAndBrokenYamlAreRefusedWithTheirLine() {
        assertThat(problems(VALID.replace("  payments: {}", "  payments: {}\n  payments: {}")))
                .singleElement()
                .asString()
                .startsWith(SOURCE + ": line ")
                .contains("not valid YAML: Duplicate property \"payments\"");
        assertThat(problems("service: [billing")).singleElement().asString().startsWith(SOURCE + ": line ");
        assertThat(problems("- just\n- a list"))
                .containsExactly(
                        SOURCE + ": a template is a mapping of service, version, roles," + " collections, migrations");
    }

    @Test
    void checksumIgnoresCommentsAndLayoutButNotValuesOrOrder() {
        String checksum = TemplateLoader.load(SOURCE, VALID).checksum();

        assertThat(TemplateLoader.load(SOURCE, "# changed comment\n" + VALID.replace("# a comment\n", ""))
                        .checksum())
                .isEqualTo(checksum);
        assertThat(TemplateLoader.load(SOURCE, VALID.replace("[number, status]", "[ number,   status ]"))
                        .checksum())
                .isEqualTo(checksum);
        assertThat(TemplateLoader.load(SOURCE, VALID.replace("Invoices and payments.", "Invoices."))
                        .checksum())
                .isNotEqualTo(checksum);
        String swapped = VALID.replace("""
                  user:
                    description: Sees invoices.
                    read: [invoices]
                  admin:
                    read: ["*"]
                    write: ["*"]
                """, """
                  admin:
                    read: ["*"]
                    write: ["*"]
                  user:
                    description: Sees invoices.
                    read: [invoices]
                """);
        assertThat(swapped).isNotEqualTo(VALID);
        assertThat(TemplateLoader.load(SOURCE, swapped).checksum())
                .as("the first role is the default")
                .isNotEqualTo(checksum);
    }

    @Test
    void aRoleManagesOtherRolesOfItsServiceAndThatIsNotInTheChecksum() {
        String manager = VALID.replace("""
                  admin:
                    read: ["*"]
                    write: ["*"]
                """, """
                  admin:
                    read: ["*"]
                    write: ["*"]
                    manages: [user]
                """);
        assertThat(manager).isNotEqualTo(VALID);
        ServiceTemplate template = TemplateLoader.load(SOURCE, manager);

        assertThat(template.role("admin").orElseThrow().manages()).containsExactly("user");
        assertThat(template.role("user").orElseThrow().manages()).isEmpty();
        assertThat(template.checksum())
                .as("who manages whom is checked at request time; no database holds it")
                .isEqualTo(TemplateLoader.load(SOURCE, VALID).checksum());
        assertThat(problems(manager.replace("manages: [user]", "manages: [admin]")))
                .anyMatch(problem -> problem.contains("a role cannot manage itself"));
        assertThat(problems(manager.replace("manages: [user]", "manages: [boss]")))
                .anyMatch(problem -> problem.contains("'boss' is not a role of this service"));
    }

    private static SiloException failure(String yaml) {
        return catchThrowableOfType(SiloException.class, () -> TemplateLoader.load(SOURCE, yaml));
    }

    @SuppressWarnings("unchecked")
    private static List<String> problems(String yaml) {
        SiloException e = failure(yaml);
        assertThat(e).as("the template is refused").isNotNull();
        assertThat(e.type()).isEqualTo("invalid-template");
        return (List<String>) e.extensions().get("errors");
    }

    @Test
    void loadingAFileThatDoesNotExistNamesIt() {
        java.nio.file.Path missing = java.nio.file.Path.of("does-not-exist.yaml");

        assertThatThrownBy(() -> TemplateLoader.load(missing)).hasMessage("does-not-exist.yaml: does not exist");
    }
}
