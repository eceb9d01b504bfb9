package io.silo.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {
    /** The secret of the RFC test vectors: the ASCII of "12345678901234567890". */
    private static final Totp RFC = Totp.of("12345678901234567890".getBytes(StandardCharsets.US_ASCII));

    /** RFC 6238 appendix B, the SHA-1 column: 8 digits at these Unix times. */
    @ParameterizedTest
    @CsvSource({
        "59, 94287082",
        "1111111109, 07081804",
        "1111111111, 14050471",
        "1234567890, 89005924",
        "2000000000, 69279037",
        "20000000000, 65353130"
    })
    void matchesTheTestVectorsOfRfc6238(long unixSeconds, String expected) {
        assertThat(RFC.code(Totp.step(Instant.ofEpochSecond(unixSeconds)), 8)).isEqualTo(expected);
    }

    /** RFC 4226 appendix D: the 6-digit HOTP values of counters 0 to 9. */
    @Test
    void matchesTheTestVectorsOfRfc4226() {
        String[] expected = {
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"
        };
        for (int counter = 0; counter < expected.length; counter++) {
            assertThat(RFC.code(counter)).as("counter " + counter).isEqualTo(expected[counter]);
        }
    }

    @Test
    void acceptsOneStepOfDriftEitherWayAndNoMore() {
        Instant now = Instant.ofEpochSecond(1_234_567_890);
        long step = Totp.step(now);

        assertThat(RFC.matchingStep(RFC.code(step), now)).hasValue(step);
        assertThat(RFC.matchingStep(RFC.code(step - 1), now)).hasValue(step - 1);
        assertThat(RFC.matchingStep(RFC.code(step + 1), now)).hasValue(step + 1);
        assertThat(RFC.matchingStep(RFC.code(step - 2), now)).isEmpty();
        assertThat(RFC.matchingStep(RFC.code(step + 2), now)).isEmpty();
    }

    @Test
    void refusesWhatIsNotSixDigits() {
        Instant now = Instant.ofEpochSecond(59);
        String code = RFC.code(Totp.step(now));

        assertThat(RFC.matchingStep(code + "0", now)).isEmpty();
        assertThat(RFC.matchingStep(" " + code, now)).isEmpty();
        assertThat(RFC.matchingStep("abcdef", now)).isEmpty();
    }

    @Test
    void base32RoundTripsAndIsWhatAppsRead() {
        // RFC 4648 §10: "foobar" is MZXW6YTBOI======
        assertThat(Totp.base32Encode("foobar".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("MZXW6YTBOI");
        assertThat(Totp.base32Decode("mzxw6ytboi======")).isEqualTo("foobar".getBytes(StandardCharsets.US_ASCII));
        Totp generated = Totp.generate();
        assertThat(generated.secretBase32()).hasSize(32);
        assertThat(Totp.ofBase32(generated.secretBase32()).code(42)).isEqualTo(generated.code(42));
    }

    @Test
    void uriCarriesIssuerAccountAndSecret() {
        Totp totp = Totp.generate();

        assertThat(totp.uri("Silo", "ops admin@example.com"))
                .isEqualTo("otpauth://totp/Silo:ops%20admin%40example.com?secret=" + totp.secretBase32()
                        + "&issuer=Silo&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void recoveryCodesAreDistinctAndHashTheSameHoweverTyped() {
        var codes = RecoveryCodes.generate();

        assertThat(codes).hasSize(10).doesNotHaveDuplicates();
        assertThat(codes).allMatch(code -> code.matches("[a-z2-7]{5}(-[a-z2-7]{5}){3}"));
        String code = codes.getFirst();
        assertThat(RecoveryCodes.hash(code.toUpperCase().replace("-", " "))).isEqualTo(RecoveryCodes.hash(code));
        assertThat(RecoveryCodes.looksLikeOne(code)).isTrue();
        assertThat(RecoveryCodes.looksLikeOne("123456")).isFalse();
    }
}
