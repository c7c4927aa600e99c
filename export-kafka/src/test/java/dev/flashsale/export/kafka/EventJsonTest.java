package dev.flashsale.export.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flashsale.engine.codec.CheckoutHeldEncoder;
import dev.flashsale.engine.codec.MessageHeaderEncoder;
import dev.flashsale.engine.codec.StockChangedEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class EventJsonTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final EventJson json = new EventJson();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void checkoutEventsGoToTheCheckoutTopicKeyedByCheckoutId() throws Exception
    {
        final CheckoutHeldEncoder held = new CheckoutHeldEncoder().wrapAndApplyHeader(buffer, 0, header)
            .inputSequence(42).engineTimeMs(1_700_000_000_000L).checkoutId(9_007_199_254_740_993L).customerId(77)
            .expiresAtMs(1_700_000_600_000L);
        held.linesCount(2).next().sku("FLASH-1").quantity(2).unitPriceMinor(1999).currency("EUR")
            .next().sku("FLASH-2").quantity(1).unitPriceMinor(500).currency("EUR");

        final EventJson.Exported exported = json.convert(42, 3, buffer, 0);

        assertThat(exported.kind()).isEqualTo(EventJson.Kind.CHECKOUT);
        assertThat(exported.key()).isEqualTo("9007199254740993");
        assertThat(exported.type()).isEqualTo("CheckoutHeld");
        final JsonNode node = mapper.readTree(exported.json());
        assertThat(node.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(node.get("type").asText()).isEqualTo("CheckoutHeld");
        assertThat(node.get("inputSequence").asLong()).isEqualTo(42);
        assertThat(node.get("index").asInt()).isEqualTo(3);
        assertThat(node.get("engineTimeMs").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(node.get("checkoutId").isTextual()).as("a decimal string, as in the HTTP API").isTrue();
        assertThat(node.get("checkoutId").asText()).isEqualTo("9007199254740993");
        assertThat(node.get("customerId").asLong()).isEqualTo(77);
        assertThat(node.get("expiresAtMs").asLong()).isEqualTo(1_700_000_600_000L);
        assertThat(node.get("lines")).hasSize(2);
        assertThat(node.get("lines").get(0).get("sku").asText()).isEqualTo("FLASH-1");
        assertThat(node.get("lines").get(0).get("quantity").asInt()).isEqualTo(2);
        assertThat(node.get("lines").get(0).get("unitPriceMinor").asLong()).isEqualTo(1999);
        assertThat(node.get("lines").get(1).get("currency").asText()).isEqualTo("EUR");
    }

    @Test
    void skuEventsGoToTheSkuTopicKeyedBySkuCode() throws Exception
    {
        new StockChangedEncoder().wrapAndApplyHeader(buffer, 0, header).inputSequence(5).engineTimeMs(10).sku("FLASH-9")
            .totalStock(100).available(90).held(6).sold(4);

        final EventJson.Exported exported = json.convert(5, 0, buffer, 0);

        assertThat(exported.kind()).isEqualTo(EventJson.Kind.SKU);
        assertThat(exported.key()).isEqualTo("FLASH-9");
        final JsonNode node = mapper.readTree(exported.json());
        assertThat(node.get("type").asText()).isEqualTo("StockChanged");
        assertThat(node.get("sku").asText()).isEqualTo("FLASH-9");
        assertThat(node.get("available").asInt()).isEqualTo(90);
        assertThat(node.get("held").asInt()).isEqualTo(6);
        assertThat(node.get("sold").asInt()).isEqualTo(4);
        assertThat(node.get("totalStock").asInt()).isEqualTo(100);
    }

    @Test
    void anEventOfUnknownTypeIsRefusedNotPassedOn()
    {
        header.wrap(buffer, 0).blockLength(16).templateId(49).schemaId(MessageHeaderEncoder.SCHEMA_ID).version(2);

        assertThatThrownBy(() -> json.convert(8, 0, buffer, 0)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("template id 49").hasMessageContaining("upgrade the exporter");
    }

    @Test
    void aPositionSurvivesItsRecord()
    {
        final ExportPosition position = new ExportPosition(123_456_789_012L, 7, 0x4a00000002L, 99, 0xfedcba98L);

        assertThat(PositionStore.decode(PositionStore.encode(position), 0)).isEqualTo(position);
        assertThatThrownBy(() -> PositionStore.decode("{\"version\":2}".getBytes(), 5)).hasMessageContaining("offset 5");
    }
}
