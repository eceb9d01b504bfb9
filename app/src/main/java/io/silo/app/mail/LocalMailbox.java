package io.silo.app.mail;

import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mail kept on this machine instead of sent: one RFC 5322 {@code .eml} file per message in a
 * directory only the server's user may read (the messages carry sign-up tokens). Any mail client
 * opens the files; platform administrators list and read them at {@code GET /api/admin/mail}.
 * File names sort by time, so the newest come first without reading them.
 *
 * <p>Thread-safe: each message is written to a temporary file and moved into place atomically.
 */
public final class LocalMailbox implements Mailer {
    private static final Logger log = LoggerFactory.getLogger(LocalMailbox.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern ID = Pattern.compile("[0-9]{8}T[0-9]{9}Z-[A-Za-z0-9_-]{1,16}");
    private static final String SUFFIX = ".eml";

    private final Path directory;
    private final String from;
    private final Clock clock;
    private final Session session = Session.getInstance(new Properties());

    LocalMailbox(Path directory, String from, Clock clock) {
        this.directory = directory;
        this.from = from;
        this.clock = clock;
    }

    /** A stored message: its id (the file name without {@code .eml}), headers, and the text when read alone. */
    public record Stored(String id, String from, String to, String subject, Instant date, Optional<String> text) {}

    /** Where the files are. */
    public Path directory() {
        return directory;
    }

    @Override
    public Optional<LocalMailbox> mailbox() {
        return Optional.of(this);
    }

    @Override
    public void send(MailMessage message) {
        Instant now = clock.instant();
        String id = STAMP.format(now) + "-" + Secrets.token(6);
        try {
            MimeMessage mime = Messages.mime(session, from, message, clock);
            createDirectory();
            Path temporary = Files.createTempFile(directory, "incoming-", ".tmp");
            try (OutputStream out = Files.newOutputStream(temporary)) {
                mime.writeTo(out);
            }
            Files.move(temporary, directory.resolve(id + SUFFIX), StandardCopyOption.ATOMIC_MOVE);
            log.info(
                    "mail '{}' to {} kept in the local mailbox as {}{} (no mail.smtp.host configured)",
                    message.subject(),
                    message.to(),
                    id,
                    SUFFIX);
        } catch (IOException | MessagingException e) {
            log.error("cannot write mail to the local mailbox {}: {}", directory, e.getMessage());
            throw ProblemType.MAIL_UNAVAILABLE
                    .exception("the verification mail could not be sent; try again later", e)
                    .retryAfter(Duration.ofSeconds(60));
        }
    }

    /** Deletes messages written before {@code before}; returns how many. Housekeeping calls it. */
    public int prune(Instant before) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int removed = 0;
        try (var files = Files.list(directory)) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(SUFFIX))
                    .toList()) {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(before) && Files.deleteIfExists(file)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            log.warn("cannot prune the local mailbox {}: {}", directory, e.getMessage());
        }
        return removed;
    }

    /** The newest {@code limit} messages, newest first, without their text. */
    public List<Stored> list(int limit) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(SUFFIX)
                            && ID.matcher(name.substring(0, name.length() - SUFFIX.length()))
                                    .matches())
                    .sorted(java.util.Comparator.reverseOrder())
                    .limit(limit)
                    .map(name -> load(name.substring(0, name.length() - SUFFIX.length()), false))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the local mailbox " + directory, e);
        }
    }

    /** One message with its text; 404 {@code mail-not-found} for an unknown or malformed id. */
    public Stored read(String id) {
        if (!ID.matcher(id).matches() || !Files.isRegularFile(directory.resolve(id + SUFFIX))) {
            throw ProblemType.MAIL_NOT_FOUND.exception("no message '" + id + "' in the local mailbox");
        }
        return load(id, true);
    }

    private Stored load(String id, boolean withText) {
        try (InputStream in = Files.newInputStream(directory.resolve(id + SUFFIX))) {
            MimeMessage mime = new MimeMessage(session, in);
            Optional<String> text = withText ? Optional.of(String.valueOf(mime.getContent())) : Optional.empty();
            return new Stored(
                    id,
                    addresses(mime.getFrom()),
                    addresses(mime.getAllRecipients()),
                    Optional.ofNullable(mime.getSubject()).orElse(""),
                    Optional.ofNullable(mime.getSentDate())
                            .map(java.util.Date::toInstant)
                            .orElse(Instant.EPOCH),
                    text);
        } catch (IOException | MessagingException e) {
            throw SiloException.internal("cannot read message " + id + " of the local mailbox " + directory, e);
        }
    }

    private static String addresses(Address[] addresses) {
        return addresses == null
                ? ""
                : String.join(
                        ", ", Arrays.stream(addresses).map(Address::toString).toList());
    }

    private void createDirectory() throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Files.createDirectories(directory);
        try {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the data directory's own permissions have to do
        }
    }
}
