package dev.flashsale.export.kafka;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class ExportConfigTest
{
    private final ExportConfig d = ExportConfig.defaults(Path.of("data"), "localhost:9092");

    @Test
    void defaultsNameTheTopicsWithThePrefix()
    {
        assertThat(d.topic(d.checkoutsTopic())).isEqualTo("flashsale.checkouts");
        assertThat(d.topic(d.skusTopic())).isEqualTo("flashsale.skus");
        assertThat(d.topic(d.positionsTopic())).isEqualTo("flashsale.exporter-positions");
    }

    @Test
    void badValuesNameTheirOption()
    {
        assertThatThrownBy(() -> ExportConfig.defaults(Path.of("data"), "localhost")).hasMessageStartingWith("--bootstrap");
        assertThatThrownBy(() -> new ExportConfig(d.dataDirectory(), d.bootstrap(), "bad prefix", "a", "b", "c", "t", 1, (short)-1,
            10, 5_000, 10_000, 100, 1_000, -1, 2_000, Map.of())).hasMessageStartingWith("--topic-prefix");
        assertThatThrownBy(() -> new ExportConfig(d.dataDirectory(), d.bootstrap(), "", "same", "same", "c", "t", 1, (short)-1,
            10, 5_000, 10_000, 100, 1_000, -1, 2_000, Map.of())).hasMessageContaining("three different topics");
        assertThatThrownBy(() -> new ExportConfig(d.dataDirectory(), d.bootstrap(), "", "a", "b", "c", "t", 1, (short)-1,
            0, 5_000, 10_000, 100, 1_000, -1, 2_000, Map.of())).hasMessageStartingWith("--batch-events");
        assertThatThrownBy(() -> new ExportConfig(d.dataDirectory(), d.bootstrap(), "", "a", "b", "c", "t", 1, (short)-1,
            10, 5_000, 10_000, 2_000, 1_000, -1, 2_000, Map.of())).hasMessageStartingWith("--min-backoff-ms");
        assertThatThrownBy(() -> new ExportConfig(d.dataDirectory(), d.bootstrap(), "", "a", "b", "c", "t", 1, (short)-1,
            10, 5_000, 10_000, 100, 1_000, 70_000, 2_000, Map.of())).hasMessageStartingWith("--metrics-port");
    }

    @Test
    void theKeysThatMakeItExactlyOnceCannotBeOverridden()
    {
        assertThatThrownBy(() -> new ExportConfig(d.dataDirectory(), d.bootstrap(), "", "a", "b", "c", "t", 1, (short)-1,
            10, 5_000, 10_000, 100, 1_000, -1, 2_000, Map.of("enable.idempotence", "false")))
            .hasMessageContaining("'enable.idempotence' is set by the exporter itself");
        assertThat(new ExportConfig(d.dataDirectory(), d.bootstrap(), "", "a", "b", "c", "t", 1, (short)-1,
            10, 5_000, 10_000, 100, 1_000, -1, 2_000, Map.of("security.protocol", "SSL")).kafkaProperties())
            .containsEntry("security.protocol", "SSL");
    }
}
