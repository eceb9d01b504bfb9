package io.silo.bench.load;

import java.io.IOException;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * A client of Silo's data plane over HTTP: each request picks a tenant by Zipf, one of its users'
 * tokens and one of its documents, then reads it ({@code GET …/{id}}), inserts a new document
 * ({@code POST …}) or patches one ({@code PATCH …/{id}}).
 *
 * <p>Not thread-safe: one per driver thread.
 */
public final class RoutedClient implements Client {
    /** What each request does. */
    public enum Kind {
        READ,
        INSERT,
        PATCH
    }

    private final Workload workload;
    private final Kind kind;
    private final HttpConnection connection;
    private final String hostHeader;
    private final RandomGenerator random;
    private final String prefix;
    private long sequence;

    public RoutedClient(Workload workload, Kind kind, String host, int port, RandomGenerator random) {
        this.workload = workload;
        this.kind = kind;
        this.connection = new HttpConnection(host, port);
        this.hostHeader = host + ":" + port;
        this.random = random;
        // invoice numbers are unique per tenant: a per-client prefix keeps clients and runs apart
        this.prefix = "L" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    }

    @Override
    public Outcome call() {
        int rank = workload.zipf().next(random);
        TenantTarget tenant = workload.tenants().get(rank);
        String token = tenant.tokens().get(random.nextInt(tenant.tokens().size()));
        byte[] request = switch (kind) {
            case READ -> HttpRequests.get(hostHeader, documentPath(tenant), token);
            case INSERT ->
                HttpRequests.request("POST", hostHeader, collectionPath(), token, Invoices.json(prefix, sequence++));
            case PATCH ->
                HttpRequests.request(
                        "PATCH",
                        hostHeader,
                        documentPath(tenant),
                        token,
                        "{\"notes\":\"patched by the benchmark, " + (sequence++) + "\"}");
        };
        try {
            return new Outcome(connection.send(request), workload.hot(rank));
        } catch (IOException e) {
            connection.close();
            return new Outcome(Outcome.NO_ANSWER, workload.hot(rank));
        }
    }

    private String collectionPath() {
        return "/api/data/" + workload.service() + "/" + workload.collection();
    }

    private String documentPath(TenantTarget tenant) {
        UUID id = tenant.documents().get(random.nextInt(tenant.documents().size()));
        return collectionPath() + "/" + id;
    }

    @Override
    public void close() {
        connection.close();
    }
}
