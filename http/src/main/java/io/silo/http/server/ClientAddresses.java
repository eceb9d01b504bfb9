package io.silo.http.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;
import io.silo.config.AddressRange;
import io.silo.config.SiloConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who a request came from: the one place that says so, for throttles, logs, the audit and activity
 * logs, and whether the client used HTTPS ({@code Strict-Transport-Security}).
 *
 * <p>The client is the TCP peer, unless the peer is one of {@code http.trustedProxies}: then it is read
 * from the header those proxies write ({@code http.forwardedHeader}: {@code X-Forwarded-For} with
 * {@code X-Forwarded-Proto}, or RFC 7239's {@code Forwarded}), walking the hops from the right (the one
 * the trusted peer added last) past every trusted one, and taking the first that is not trusted.
 * Everything left of it was written by the client itself and could say anything. Only the one header is
 * read: a proxy that writes {@code X-Forwarded-For} passes a {@code Forwarded} header on just as the
 * client wrote it, so reading both would let the client choose its address. Anyone else's forwarding
 * headers are ignored, and a value that cannot be read (malformed, {@code unknown}, an obfuscated name)
 * leaves the client at the peer: never a refusal, since the request itself may be fine, and never a guess.
 *
 * <p>Immutable and thread-safe.
 */
final class ClientAddresses {
    private static final HeaderName FORWARDED = HeaderNames.create("Forwarded");
    private static final HeaderName X_FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    private static final HeaderName X_FORWARDED_PROTO = HeaderNames.create("X-Forwarded-Proto");

    private final List<AddressRange> trustedProxies;
    private final SiloConfig.ForwardedHeader header;

    ClientAddresses(List<AddressRange> trustedProxies, SiloConfig.ForwardedHeader header) {
        this.trustedProxies = List.copyOf(trustedProxies);
        this.header = header;
    }

    /**
     * A request's client.
     *
     * @param address the client's IP address, as text ({@code 203.0.113.7}, {@code 2001:db8::7})
     * @param https whether the client's own connection was HTTPS
     */
    record Client(String address, boolean https) {}

    Client of(ServerRequest request) {
        Optional<InetAddress> peer = request.remotePeer().address() instanceof InetSocketAddress socket
                ? Optional.ofNullable(socket.getAddress())
                : Optional.empty();
        Client direct = new Client(
                peer.map(InetAddress::getHostAddress)
                        .orElseGet(() -> request.remotePeer().host()),
                request.isSecure());
        if (trustedProxies.isEmpty() || peer.isEmpty() || !trusted(peer.get())) {
            return direct;
        }
        return forwarded(request.headers(), direct);
    }

    private Client forwarded(Headers headers, Client direct) {
        Optional<List<ForwardedHops.Hop>> hops = switch (header) {
            case FORWARDED -> ForwardedHops.forwarded(headers.all(FORWARDED, List::of));
            case X_FORWARDED_FOR ->
                ForwardedHops.xForwarded(
                        headers.all(X_FORWARDED_FOR, List::of), headers.all(X_FORWARDED_PROTO, List::of));
        };
        return hops.map(list -> walk(list, direct)).orElse(direct);
    }

    /** From the right, past every trusted hop; the leftmost one when all are trusted. */
    private Client walk(List<ForwardedHops.Hop> hops, Client direct) {
        for (int i = hops.size() - 1; i >= 0; i--) {
            ForwardedHops.Hop hop = hops.get(i);
            Optional<InetAddress> address = ForwardedHops.address(hop.node());
            if (address.isEmpty()) {
                return direct;
            }
            if (i == 0 || !trusted(address.get())) {
                Optional<Boolean> https = https(hop, direct);
                return https.map(secure -> new Client(address.get().getHostAddress(), secure))
                        .orElse(direct);
            }
        }
        return direct;
    }

    /** The hop's scheme; the peer's when it says none; empty when it says something else than http(s). */
    private static Optional<Boolean> https(ForwardedHops.Hop hop, Client direct) {
        if (hop.proto().isEmpty()) {
            return Optional.of(direct.https());
        }
        return switch (hop.proto().get().toLowerCase(Locale.ROOT)) {
            case "https" -> Optional.of(true);
            case "http" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    private boolean trusted(InetAddress address) {
        for (AddressRange range : trustedProxies) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
