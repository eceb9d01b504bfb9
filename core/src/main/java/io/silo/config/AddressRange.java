package io.silo.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IP address or a CIDR block of them ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code 127.0.0.1}),
 * such as a trusted proxy of {@code http.trustedProxies}. Only literal addresses are read: a host name
 * is refused, never looked up, so reading one never waits on DNS and never trusts what DNS says.
 *
 * @param network the first address of the block, as bytes (4 for IPv4, 16 for IPv6)
 * @param prefixLength how many leading bits an address must share with {@code network}
 */
public record AddressRange(byte[] network, int prefixLength) {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    public AddressRange {
        network = network.clone();
        int bits = network.length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not within 0.." + bits);
        }
        for (int bit = prefixLength; bit < bits; bit++) {
            network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    /**
     * Reads {@code text}: an IPv4 or IPv6 address, optionally followed by {@code /prefix}; empty when it is
     * not one. An IPv4 address mapped into IPv6 ({@code ::ffff:10.0.0.1}) counts as the IPv4 address.
     */
    public static Optional<AddressRange> parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        Optional<InetAddress> address = literal(slash < 0 ? trimmed : trimmed.substring(0, slash));
        if (address.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = address.get().getAddress();
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            String digits = trimmed.substring(slash + 1);
            if (!digits.matches("\\d{1,3}") || Integer.parseInt(digits) > prefix) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(digits);
        }
        return Optional.of(new AddressRange(bytes, prefix));
    }

    /**
     * A literal IPv4 or IPv6 address (brackets around IPv6 allowed, no zone), never a host name: the JDK
     * would look a name up, and also reads forms such as {@code 10.1} that no proxy writes.
     */
    public static Optional<InetAddress> literal(String text) {
        if (text.isEmpty() || text.length() > 64) {
            return Optional.empty();
        }
        try {
            var ipv4 = IPV4.matcher(text);
            if (ipv4.matches()) {
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(ipv4.group(i + 1));
                    if (octet > 255) {
                        return Optional.empty();
                    }
                    bytes[i] = (byte) octet;
                }
                return Optional.of(InetAddress.getByAddress(bytes));
            }
            String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
            if (!bare.contains(":") || !IPV6.matcher(bare).matches()) {
                return Optional.empty();
            }
            // in brackets the JDK takes it as an IPv6 literal or refuses it, and never asks DNS
            return Optional.of(InetAddress.getByName("[" + bare + "]"));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code address} is in this block; IPv4 and IPv6 blocks never contain each other's addresses. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (bytes[whole] & mask) == (network[whole] & 0xff);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRange range
                && range.prefixLength == prefixLength
                && java.util.Arrays.equals(range.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + network.length + " bytes", e);
        }
    }
}
