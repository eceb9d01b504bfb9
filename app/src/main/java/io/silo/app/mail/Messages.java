package io.silo.app.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;

/** Builds MIME messages, the same for SMTP and the local mailbox. */
final class Messages {
    private Messages() {}

    static MimeMessage mime(Session session, String from, MailMessage message, Clock clock) throws MessagingException {
        MimeMessage mime = new MimeMessage(session);
        mime.setFrom(new InternetAddress(from));
        mime.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(message.to()));
        mime.setSubject(message.subject(), StandardCharsets.UTF_8.name());
        mime.setText(message.text(), StandardCharsets.UTF_8.name());
        mime.setSentDate(Date.from(clock.instant()));
        mime.saveChanges();
        return mime;
    }
}
