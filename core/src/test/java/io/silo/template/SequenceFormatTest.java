package io.silo.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SequenceFormatTest {

    @Test
    void writesTheCounterZeroPaddedAndTheYear() {
        SequenceFormat invoices = SequenceFormat.parse("INV-{year}-{n:5}");

        assertThat(invoices.format(42, 2026)).isEqualTo("INV-2026-00042");
        assertThat(invoices.format(123_456, 2026))
                .as("a number outgrows its padding")
                .isEqualTo("INV-2026-123456");
        assertThat(SequenceFormat.parse("{n}").format(7, 2026)).isEqualTo("7");
        assertThat(invoices.hasYear()).isTrue();
        assertThat(SequenceFormat.parse("R-{n:6}").hasYear()).isFalse();
    }

    @Test
    void readsBackExactlyWhatItWouldHaveWritten() {
        SequenceFormat invoices = SequenceFormat.parse("INV-{year}-{n:5}");

        assertThat(invoices.read("INV-2026-00042")).hasValue(new SequenceFormat.Value(42, OptionalInt.of(2026)));
        assertThat(invoices.read("INV-2026-123456")).hasValue(new SequenceFormat.Value(123_456, OptionalInt.of(2026)));
        assertThat(invoices.read("INV-2026-42"))
                .as("not padded as the format pads")
                .isEmpty();
        assertThat(invoices.read("INV-2026-000042"))
                .as("padded more than the format pads")
                .isEmpty();
        assertThat(invoices.read("INV-2026-00000")).as("counters start at 1").isEmpty();
        assertThat(invoices.read("inv-2026-00042")).isEmpty();
        assertThat(invoices.read("INV-2026-00042 ")).isEmpty();
        assertThat(SequenceFormat.parse("a.b{n}").read("axb7"))
                .as("literal text is literal")
                .isEmpty();
    }

    @Test
    void aFormatHasOneCounterAndNothingAmbiguous() {
        assertThatThrownBy(() -> SequenceFormat.parse("INV-{year}")).hasMessageContaining("exactly once, not 0");
        assertThatThrownBy(() -> SequenceFormat.parse("{n}-{n}")).hasMessageContaining("exactly once, not 2");
        assertThatThrownBy(() -> SequenceFormat.parse("{n:0}")).hasMessageContaining("1 to 18 digits");
        assertThatThrownBy(() -> SequenceFormat.parse("{n:19}")).hasMessageContaining("1 to 18 digits");
        assertThatThrownBy(() -> SequenceFormat.parse("{count}")).hasMessageContaining("{count} is not a placeholder");
        assertThatThrownBy(() -> SequenceFormat.parse("INV{year}{n}")).hasMessageContaining("text between them");
        assertThatThrownBy(() -> SequenceFormat.parse("{year}-{year}-{n}")).hasMessageContaining("at most once");
        assertThatThrownBy(() -> SequenceFormat.parse("A{n}}")).hasMessageContaining("brace");
        assertThatThrownBy(() -> SequenceFormat.parse("")).hasMessageContaining("1 to 100");
    }
}
