package io.silo.app.mail;

/**
 * A plain-text message to one recipient. Immutable.
 *
 * @param to the recipient's address
 */
public record MailMessage(String to, String subject, String text) {
    @Override
    public String toString() {
        return "MailMessage[to " + to + ": " + subject + "]";
    }
}
