package io.silo.app.organization;

import io.silo.crypto.PasswordPolicy;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.json.Json;
import io.silo.tenant.Contact;
import io.silo.tenant.Quotas;
import io.silo.tenant.Tenant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * A JSON merge patch (RFC 7386) of an organization's registry fields. Status, slug and placement
 * are not here: they change through their own routes, because they are not just data.
 */
final class OrganizationPatch {
    private static final Set<String> FIELDS = Set.of(
            "name",
            "businessType",
            "license",
            "quotas",
            "features",
            "adminContact",
            "billingContact",
            "notes",
            "corsOrigins",
            "passwordPolicy",
            "externalId");

    private static final List<String> CONTACT_FIELDS = List.of("email", "name", "phone");

    private OrganizationPatch() {}

    static Tenant apply(Tenant t, JsonNode patch) {
        if (!patch.isObject() || patch.isEmpty()) {
            throw ProblemType.INVALID_PATCH.exception(
                    "the body must be a JSON object of the fields to change: " + FIELDS);
        }
        for (String field : patch.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw ProblemType.UNKNOWN_FIELD
                        .exception("field '" + field + "' cannot be changed here; changeable: " + FIELDS)
                        .with("field", field);
            }
        }
        return new Tenant(
                t.id(),
                t.slug(),
                patch.has("name") ? RequestChecks.name(text(patch, "name").orElse("")) : t.name(),
                patch.has("businessType") ? RequestChecks.businessType(text(patch, "businessType")) : t.businessType(),
                t.status(),
                t.statusReason(),
                patch.has("license") ? RequestChecks.text(text(patch, "license"), "license", 64) : t.license(),
                patch.has("quotas") ? quotas(t.quotas(), patch.get("quotas")) : t.quotas(),
                patch.has("features") ? features(patch.get("features")) : t.features(),
                patch.has("adminContact") ? contact(patch.get("adminContact"), "adminContact") : t.adminContact(),
                patch.has("billingContact")
                        ? contact(patch.get("billingContact"), "billingContact")
                        : t.billingContact(),
                patch.has("notes") ? RequestChecks.text(text(patch, "notes"), "notes", 4000) : t.notes(),
                patch.has("corsOrigins") ? corsOrigins(patch.get("corsOrigins")) : t.corsOrigins(),
                t.createdAt(),
                t.updatedAt(),
                t.databases(),
                patch.has("passwordPolicy") ? passwordMinLength(patch.get("passwordPolicy")) : t.passwordMinLength(),
                patch.has("externalId") ? RequestChecks.externalId(text(patch, "externalId")) : t.externalId(),
                t.deleteAfter());
    }

    /**
     * An organization's own password minimum: {@code {"minLength": N}} with N from 1 to
     * {@value PasswordPolicy#MAX_LENGTH}, or {@code null} for none. A value at or below the deployment's
     * floor is stored but changes nothing: the floor always holds.
     */
    static Optional<Integer> passwordMinLength(JsonNode node) {
        if (node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw badPolicy("passwordPolicy");
        }
        for (String key : node.propertyNames()) {
            if (!key.equals("minLength")) {
                throw ProblemType.UNKNOWN_FIELD
                        .exception("field 'passwordPolicy." + key + "' is unknown; a password policy has [minLength]")
                        .with("field", "passwordPolicy." + key);
            }
        }
        JsonNode min = node.path("minLength");
        if (min.isNull() || min.isMissingNode()) {
            return Optional.empty();
        }
        if (!min.isIntegralNumber() || min.asLong() < 1 || min.asLong() > PasswordPolicy.MAX_LENGTH) {
            throw badPolicy("passwordPolicy.minLength");
        }
        return Optional.of(min.asInt());
    }

    private static SiloException badPolicy(String field) {
        return ProblemType.INVALID_JSON
                .exception("passwordPolicy must be an object such as {\"minLength\": 12}, minLength a whole number"
                        + " from 1 to " + PasswordPolicy.MAX_LENGTH + ", or null")
                .with("field", field);
    }

    private static Quotas quotas(Quotas current, JsonNode node) {
        if (node.isNull()) {
            return Quotas.none();
        }
        if (!node.isObject()) {
            throw ProblemType.INVALID_QUOTA
                    .exception("quotas must be an object such as {\"maxUsers\": 50}")
                    .with("field", "quotas");
        }
        Map<String, Object> changes = Json.mapper().convertValue(node, new TypeReference<Map<String, Object>>() {});
        return current.merge(changes);
    }

    private static List<String> features(JsonNode node) {
        if (node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ProblemType.INVALID_FEATURE
                    .exception("features must be an array of names")
                    .with("field", "features");
        }
        return RequestChecks.features(Json.mapper().convertValue(node, new TypeReference<List<String>>() {}));
    }

    private static List<String> corsOrigins(JsonNode node) {
        if (node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.valueStream().anyMatch(item -> !item.isString())) {
            throw ProblemType.INVALID_ORIGIN
                    .exception("corsOrigins must be an array of origins such as \"https://app.example.com\"")
                    .with("field", "corsOrigins");
        }
        return RequestChecks.corsOrigins(
                node.valueStream().map(JsonNode::asString).toList(), "corsOrigins");
    }

    private static Optional<Contact> contact(JsonNode node, String field) {
        if (node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw ProblemType.INVALID_JSON
                    .exception("field '" + field + "' must be an object {email, name?, phone?}")
                    .with("field", field);
        }
        for (String key : node.propertyNames()) {
            if (!CONTACT_FIELDS.contains(key)) {
                throw ProblemType.UNKNOWN_FIELD
                        .exception("field '" + field + "." + key + "' is unknown; a contact has " + CONTACT_FIELDS)
                        .with("field", field + "." + key);
            }
        }
        return RequestChecks.contact(
                Optional.of(new NewOrganization.ContactDetails(
                        text(node, "email", field + ".email").orElse(""),
                        text(node, "name", field + ".name"),
                        text(node, "phone", field + ".phone"))),
                field);
    }

    private static Optional<String> text(JsonNode patch, String field) {
        return text(patch, field, field);
    }

    /** The string at {@code key} of {@code object}; a mistake names {@code field}. */
    private static Optional<String> text(JsonNode object, String key, String field) {
        JsonNode node = object.get(key);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isString()) {
            throw ProblemType.INVALID_JSON
                    .exception("field '" + field + "' must be a string")
                    .with("field", field);
        }
        return Optional.of(node.asString());
    }
}
