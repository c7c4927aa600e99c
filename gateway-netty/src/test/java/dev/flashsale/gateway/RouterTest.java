package dev.flashsale.gateway;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RouterTest
{
    @ParameterizedTest
    @ValueSource(strings = {
        "/v1/checkouts", "/v1/checkouts?x=1", "/v1/checkouts/12/confirm", "/v1/checkouts/12/cancel?a/b", "/v1/checkouts/",
        "/", "", "?", "//", "v1", "/v1//checkouts", "/health/ready", "http://host/v1/checkouts", "/a?b/c", "/V1/Checkouts",
        "/v1/checkouts/confirm/cancel", "/v1/admin/skus/A-1/restock",
    })
    void splitsAPathAsStringSplitDid(final String uri)
    {
        final int query = uri.indexOf('?');
        assertThat(Router.segments(uri)).containsExactly((query < 0 ? uri : uri.substring(0, query)).split("/", -1));
    }
}
