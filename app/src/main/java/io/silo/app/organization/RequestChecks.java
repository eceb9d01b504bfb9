package io.silo.app.organization;

import io.silo.app.input.Fields;
import io.silo.error.ProblemType;
import io.silo.tenant.Contact;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Checks of the free-form fields of organization requests, with errors that name the field. */
final class RequestChecks {
    private static final Pattern BUSINESS_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 _-]{0,39}");
    private static final Pattern FEATURE = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

    private RequestChecks() {}

    static String name(String name) {
        String value = Fields.required(name, "name");
        if (value.length() > 200) {
            throw ProblemType.FIELD_TOO_LONG
                    .exception("name must have at most 200 characters")
                    .with("field", "name");
        }
        return value;
    }

    static Optional<String> businessType(Optional<String> value) {
        if (value.isEmpty() || value.get().isBlank()) {
            return Optional.empty();
        }
        String businessType = value.get();
        if (!BUSINESS_TYPE.matcher(businessType).matches()) {
            throw ProblemType.INVALID_BUSINESS_TYPE
                    .exception("businessType must be 1 to 40 letters, digits, spaces, '_' or '-'")
                    .with("field", "businessType");
        }
        return Optional.of(businessType.trim());
    }

    static List<String> features(List<String> features) {
        for (String feature : features) {
            if (feature == null || !FEATURE.matcher(feature).matches()) {
                throw ProblemType.INVALID_FEATURE
                        .exception("feature '" + feature + "' must be a lower-case identifier")
                        .with("field", "features");
            }
        }
        return features.stream().distinct().toList();
    }

    static Optional<String> text(Optional<String> text, String field, int max) {
        if (text.isEmpty() || text.get().isBlank()) {
            return Optional.empty();
        }
        String value = text.get();
        if (value.length() > max) {
            throw ProblemType.FIELD_TOO_LONG
                    .exception(field + " must have at most " + max + " characters")
                    .with("field", field);
        }
        return Optional.of(value.trim());
    }

    static Optional<Contact> contact(Optional<NewOrganization.ContactDetails> details, String field) {
        if (details.isEmpty()) {
            return Optional.empty();
        }
        NewOrganization.ContactDetails body = details.get();
        return Optional.of(new Contact(
                Fields.email(body.email(), field + ".email"),
                text(body.name(), field + ".name", 200),
                text(body.phone(), field + ".phone", 40)));
    }

    static Optional<String> username(Optional<String> username, String field) {
        return username.filter(value -> !value.isBlank()).map(value -> Fields.username(value, field));
    }
}
