package io.silo.http.data;

import static io.silo.http.data.Invoices.invoice;

import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Invoices written by several virtual threads, each inserting invoices of unique numbers and
 * marking every fourth one {@code sent} with a PATCH, until its server goes away; and what each
 * write came to: acknowledged (with the content the answer acknowledged), answered otherwise, or
 * never answered (the connection broke: the write may or may not have been applied).
 *
 * <p>Thread-safe.
 */
final class InvoiceLoad {
    private static final String INVOICES = "/api/data/billing/invoices";

    /** An invoice as its last acknowledged write left it. */
    record Acknowledged(String id, String number, String status, long version) {}

    private final SiloClient member;
    private final Map<String, Acknowledged> acknowledged = new ConcurrentHashMap<>();
    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final List<String> otherAnswers = new CopyOnWriteArrayList<>();
    private final List<Thread> writers = new ArrayList<>();

    private InvoiceLoad(SiloClient member) {
        this.member = member;
    }

    /** The customer of the invoice numbered {@code number}: each has its own. */
    static String customer(String number) {
        return "Customer of " + number;
    }

    /** Starts {@code writers} threads writing as {@code member}. */
    static InvoiceLoad start(SiloClient member, int writers) {
        InvoiceLoad load = new InvoiceLoad(member);
        for (int writer = 0; writer < writers; writer++) {
            String prefix = "K" + writer + "-";
            load.writers.add(Thread.ofVirtual().name("invoice-writer-" + writer).start(() -> load.write(prefix)));
        }
        return load;
    }

    /** Returns once {@code count} invoices are acknowledged, or as soon as a request finds no server. */
    void awaitAcknowledged(int count) {
        Eventually.get(
                Duration.ofSeconds(60),
                acknowledged::size,
                size -> size >= count || !unanswered.isEmpty() || !refused.isEmpty());
    }

    /** Returns once every writer has stopped (each stops at its first request that got no answer). */
    void awaitStopped() throws InterruptedException {
        for (Thread writer : writers) {
            writer.join();
        }
    }

    /** The invoices by number, as their last acknowledged write left them. */
    Map<String, Acknowledged> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    /** Numbers of the invoices whose last write was sent and never answered: applied or not, nobody knows. */
    Set<String> unanswered() {
        return Set.copyOf(unanswered);
    }

    /** Numbers of the invoices whose last write found no server to connect to: never sent. */
    Set<String> refused() {
        return Set.copyOf(refused);
    }

    /** Answers other than the success of the write, as {@code status text}. */
    List<String> otherAnswers() {
        return List.copyOf(otherAnswers);
    }

    private void write(String prefix) {
        for (int sequence = 0; ; sequence++) {
            String number = prefix + sequence;
            Optional<SiloClient.Response> inserted =
                    answer(number, () -> member.post(INVOICES, invoice(number, customer(number), "draft", 10)));
            if (inserted.isEmpty()) {
                return;
            }
            if (inserted.get().status() != 201) {
                otherAnswers.add(inserted.get().toString());
                continue;
            }
            Acknowledged invoice = acknowledged(number, inserted.get());
            if (sequence % 4 == 3 && !markedSent(invoice)) {
                return;
            }
        }
    }

    /** PATCHes the invoice to {@code sent}; false when the server did not answer. */
    private boolean markedSent(Acknowledged invoice) {
        Optional<SiloClient.Response> patched = answer(
                invoice.number(),
                () -> member.send(
                        "PATCH",
                        INVOICES + "/" + invoice.id(),
                        Optional.of(Map.of("status", "sent")),
                        Map.of("If-Match", "\"" + invoice.version() + "\"")));
        if (patched.isEmpty()) {
            return false;
        }
        if (patched.get().status() == 200) {
            acknowledged(invoice.number(), patched.get());
        } else {
            otherAnswers.add(patched.get().toString());
        }
        return true;
    }

    private Acknowledged acknowledged(String number, SiloClient.Response response) {
        var body = response.json();
        Acknowledged invoice = new Acknowledged(
                body.path("_id").asString(),
                number,
                body.path("status").asString(),
                body.path("_version").asLong());
        acknowledged.put(number, invoice);
        return invoice;
    }

    /** The answer to a request, or empty when the connection failed: then the invoice is unanswered or refused. */
    private Optional<SiloClient.Response> answer(String number, Supplier<SiloClient.Response> request) {
        try {
            return Optional.of(request.get());
        } catch (UncheckedIOException e) {
            (e.getCause() instanceof ConnectException ? refused : unanswered).add(number);
            return Optional.empty();
        }
    }
}
