package dev.flashsale.gateway.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathParamsTest
{
    @Test
    void checksPathSegmentsAndTokens()
    {
        assertThat(PathParams.checkoutId("16777216")).isEqualTo(16_777_216L);
        assertThatThrownBy(() -> PathParams.checkoutId("0")).isInstanceOf(BadRequest.class);
        assertThatThrownBy(() -> PathParams.checkoutId("-1")).isInstanceOf(BadRequest.class);
        assertThatThrownBy(() -> PathParams.checkoutId("99999999999999999999")).isInstanceOf(BadRequest.class);
        assertThatThrownBy(() -> PathParams.checkoutId("9223372036854775808")).isInstanceOf(BadRequest.class);
        assertThatThrownBy(() -> PathParams.sku("a%20b")).isInstanceOf(BadRequest.class);
        assertThat(PathParams.isToken("pay-1", 64)).isTrue();
        assertThat(PathParams.isToken("pay 1", 64)).isFalse();
        assertThat(PathParams.isToken("x".repeat(65), 64)).isFalse();
    }
}
