package io.silo.app.input;

import io.silo.error.ProblemType;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks of the free-form fields every client sends (the HTTP API, the CLI, an import), with
 * errors that name the field: one rule for each kind of value, wherever it arrives.
 */
public final class Fields {
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,62}");
    private static final Pattern EMAIL = Pattern.compile(
            "[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]{1,63}|[^@\\s]{1,64}@localhost|[^@\\s]{1,64}@[a-z0-9-]+\\.local");

    private Fields() {}

    /** {@code value} when it is present and not blank; else a 400 naming {@code field}. */
    public static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ProblemType.MISSING_FIELD
                    .exception("field '" + field + "' is required")
                    .with("field", field);
        }
        return value.trim();
    }

    /**
     * A name or other short text: present, at most {@code max} characters, and free of control
     * characters (a line break in a name would forge a line wherever it is shown or logged); a 400
     * naming {@code field} otherwise.
     */
    public static String text(String value, String field, int max) {
        String text = required(value, field);
        if (text.length() > max) {
            throw ProblemType.FIELD_TOO_LONG
                    .exception(field + " must have at most " + max + " characters")
                    .with("field", field);
        }
        if (text.chars().anyMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029')) {
            throw ProblemType.INVALID_TEXT
                    .exception(field + " must not contain control characters such as line breaks")
                    .with("field", field);
        }
        return text;
    }

    /**
     * A password exactly as typed: present, but never trimmed, because spaces at either end are part
     * of it (the hash was made of the untrimmed text).
     */
    public static String password(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw ProblemType.MISSING_FIELD
                    .exception("field '" + field + "' is required")
                    .with("field", field);
        }
        return value;
    }

    /**
     * A lower-cased login name, 2 to 63 letters, digits, {@code .}, {@code _} or {@code -}, or a
     * 400 naming {@code field}. Login names compare without case, like email addresses.
     */
    public static String username(String value, String field) {
        String username = required(value, field);
        if (!USERNAME.matcher(username).matches()) {
            throw ProblemType.INVALID_USERNAME
                    .exception(field + " must be 2 to 63 letters, digits, '.', '_' or '-'")
                    .with("field", field);
        }
        return username.toLowerCase(Locale.ROOT);
    }

    /** A lower-cased email address, or a 400 naming {@code field}. */
    public static String email(String value, String field) {
        String email = required(value, field).toLowerCase(Locale.ROOT);
        if (email.length() > 320 || !EMAIL.matcher(email).matches()) {
            throw ProblemType.INVALID_EMAIL
                    .exception("field '" + field + "' is not an email address")
                    .with("field", field);
        }
        return email;
    }
}
