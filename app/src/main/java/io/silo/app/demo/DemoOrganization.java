package io.silo.app.demo;

import io.silo.app.identity.NewMember;
import io.silo.app.organization.NewOrganization;
import io.silo.json.Json;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * One demo organization as its YAML file under {@code io/silo/app/demo/} describes it: the
 * organization ({@code organization}), its first administrator ({@code admin}), its other accounts
 * ({@code users}, each with a {@code key} the documents refer to) and its documents ({@code
 * documents}: per service and collection, written as one account); the format is in {@code docs/demo.md}.
 *
 * <p>Immutable; thread-safe.
 */
record DemoOrganization(String file, JsonNode spec) {
    private static final ObjectMapper YAML = YAMLMapper.builder().build();

    /** The key by which documents name the first administrator. */
    static final String ADMIN = "admin";

    /** An account of the organization, its first administrator included. */
    record Person(String key, NewMember member) {
        /** What the account signs in with: its email, else its username. */
        String login() {
            return member.email().or(member::username).orElseThrow();
        }
    }

    static DemoOrganization read(String file) {
        try (InputStream in = DemoOrganization.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("demo file io/silo/app/demo/" + file + " is missing from the build");
            }
            return new DemoOrganization(file, YAML.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read demo file " + file, e);
        }
    }

    String slug() {
        return organization().path("slug").asString();
    }

    private JsonNode organization() {
        return spec.path("organization");
    }

    NewOrganization request() {
        JsonNode org = organization();
        JsonNode admin = spec.path(ADMIN);
        NewOrganization.FirstAdmin first = new NewOrganization.FirstAdmin(
                text(admin, "email"),
                text(admin, "username"),
                admin.path("name").asString(),
                "");
        return NewOrganization.builder(org.path("name").asString(), strings(org.path("services")), first)
                .slug(Optional.of(slug()))
                .businessType(text(org, "businessType"))
                .license(text(org, "license"))
                .quotas(numbers(org.path("quotas")))
                .features(strings(org.path("features")))
                .databaseNames(stringMap(org.path("databases")))
                .externalId(text(org, "externalId"))
                .notes(Optional.of(DemoLoader.LOADING))
                .build();
    }

    /** The first administrator's password, as the seed publishes it. */
    String adminPassword() {
        return spec.path(ADMIN).path("password").asString();
    }

    /** The accounts besides the first administrator, in the file's order. */
    List<Person> users() {
        List<Person> people = new ArrayList<>();
        for (JsonNode user : spec.path("users")) {
            people.add(new Person(
                    user.path("key").asString(),
                    new NewMember(
                            text(user, "email"),
                            text(user, "username"),
                            user.path("name").asString(),
                            user.path("password").asString(),
                            user.path("services"),
                            user.has("profile") ? user.path("profile") : Json.object())));
        }
        return people;
    }

    /** What the first administrator signs in with: its email, else its username. */
    String adminLogin() {
        return login(spec.path(ADMIN));
    }

    /** Every account, the first administrator first, with the roles it has. */
    List<DemoAccount> accounts(TemplateCatalog templates) {
        List<DemoAccount> accounts = new ArrayList<>();
        Map<String, String> adminRoles = new LinkedHashMap<>();
        adminRoles.put(ServiceTemplate.CORE, "admin");
        strings(organization().path("services"))
                .forEach(service ->
                        adminRoles.put(service, templates.require(service).adminRole()));
        accounts.add(new DemoAccount(slug(), adminLogin(), adminPassword(), adminRoles));
        for (JsonNode user : spec.path("users")) {
            Map<String, String> roles = new LinkedHashMap<>();
            roles.put(ServiceTemplate.CORE, "member");
            roles.putAll(stringMap(user.path("services")));
            accounts.add(
                    new DemoAccount(slug(), login(user), user.path("password").asString(), roles));
        }
        return accounts;
    }

    /** The groups of documents, in the file's order: {@code service}, {@code collection}, {@code as}, {@code items}. */
    Iterable<JsonNode> documents() {
        return spec.path("documents");
    }

    /** The month of sales the file asks for, if any ({@link DemoSales}). */
    Optional<JsonNode> sales() {
        return spec.has("sales") ? Optional.of(spec.path("sales")) : Optional.empty();
    }

    private static String login(JsonNode person) {
        return text(person, "email").or(() -> text(person, "username")).orElseThrow();
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.path(field).asString()) : Optional.empty();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }

    private static Map<String, Object> numbers(JsonNode object) {
        Map<String, Object> values = new LinkedHashMap<>();
        object.properties()
                .forEach(entry -> values.put(entry.getKey(), entry.getValue().asLong()));
        return values;
    }

    private static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> values = new LinkedHashMap<>();
        object.properties()
                .forEach(entry -> values.put(entry.getKey(), entry.getValue().asString()));
        return values;
    }
}
