package io.silo.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressRangeTest {

    @Test
    void aBlockContainsTheAddressesSharingItsPrefix() {
        AddressRange ten = AddressRange.parse("10.0.0.0/8").orElseThrow();
        AddressRange odd = AddressRange.parse("192.168.1.77/27").orElseThrow();
        AddressRange six = AddressRange.parse("2001:db8:abcd::/48").orElseThrow();

        assertThat(ten.contains(address("10.255.3.4"))).isTrue();
        assertThat(ten.contains(address("11.0.0.1"))).isFalse();
        assertThat(odd.toString()).as("host bits are cleared").isEqualTo("192.168.1.64/27");
        assertThat(odd.contains(address("192.168.1.95"))).isTrue();
        assertThat(odd.contains(address("192.168.1.96"))).isFalse();
        assertThat(six.contains(address("2001:db8:abcd:12::1"))).isTrue();
        assertThat(six.contains(address("2001:db8:abce::1"))).isFalse();
        assertThat(six.contains(address("10.0.0.1"))).as("no family crosses").isFalse();
    }

    @Test
    void aSingleAddressIsItsOwnBlockAndIpv4MappedCountsAsIpv4() {
        AddressRange loopback = AddressRange.parse("127.0.0.1").orElseThrow();

        assertThat(loopback.contains(address("127.0.0.1"))).isTrue();
        assertThat(loopback.contains(address("127.0.0.2"))).isFalse();
        assertThat(AddressRange.literal("::ffff:127.0.0.1").map(loopback::contains))
                .contains(true);
        assertThat(AddressRange.literal("[2001:db8::1]")).contains(address("2001:db8::1"));
    }

    @Test
    void namesAndOddFormsAreNotAddresses() {
        for (String wrong : new String[] {
            "localhost", "10.1", "010.1.1", "1.2.3.256", "1.2.3.4.5", "fe80::1%eth0", "[::1", "", "unknown", "_hidden"
        }) {
            assertThat(AddressRange.literal(wrong)).as(wrong).isEmpty();
        }
        assertThat(AddressRange.parse("10.0.0.0/x")).isEmpty();
        assertThat(AddressRange.parse("10.0.0.0/-1")).isEmpty();
    }

    private static InetAddress address(String text) {
        return AddressRange.literal(text).orElseThrow();
    }
}
