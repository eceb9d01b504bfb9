package io.silo.cli.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.slf4j.helpers.MessageFormatter;

/**
 * The {@code %msg} of Silo's log lines, with control characters in the arguments written as
 * {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX}: arguments carry what requesters typed (an
 * organization's name, an email, a user agent), and a line break there would forge a log line.
 * The message pattern itself is Silo's own and keeps its line breaks.
 *
 * <p>Thread-safe: stateless.
 */
public final class PlainArguments extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        Object[] arguments = event.getArgumentArray();
        if (arguments == null || arguments.length == 0) {
            return event.getFormattedMessage();
        }
        Object[] plain = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            plain[i] = arguments[i] instanceof Throwable ? arguments[i] : escape(String.valueOf(arguments[i]));
        }
        return MessageFormatter.arrayFormat(event.getMessage(), plain).getMessage();
    }

    /** {@code text} with every ISO control character escaped. */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isISOControl(c) && c != '\u2028' && c != '\u2029') {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? text : out.toString();
    }
}
