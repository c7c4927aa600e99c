package dev.flashsale.server.plot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScaleTest
{
    @Test
    void latencyAxesEndAtARoundNumberAboveTheData()
    {
        final Scale scale = Scale.zeroTo(7.3, 6, false);
        assertThat(scale.max).isEqualTo(8.0);
        assertThat(scale.labels).containsExactly("0", "2", "4", "6", "8");
        assertThat(Scale.zeroTo(0.37, 6, false).labels).containsExactly("0", "0.1", "0.2", "0.3", "0.4");
        assertThat(Scale.zeroTo(13, 6, false).labels).containsExactly("0", "2.5", "5.0", "7.5", "10.0", "12.5", "15.0");
        assertThat(Scale.zeroTo(0, 6, false).max).as("an empty axis still has a range").isPositive();
        assertThat(Scale.zeroTo(20.007, 10, false).max).as("a hair above a tick is drawn at it").isEqualTo(20.0);
    }

    @Test
    void ratesOfTensOfThousandsAreWrittenInThousands()
    {
        assertThat(Scale.zeroTo(48_000, 3, true).labels).containsExactly("0", "20k", "40k", "60k");
        assertThat(Scale.zeroTo(900, 3, true).labels).containsExactly("0", "500", "1000");
    }

    @Test
    void thePercentileAxisGivesEachNineTheSameRoom()
    {
        final Scale scale = Scale.percentiles(4);
        assertThat(scale.labels).containsExactly("0%", "50%", "90%", "99%", "99.9%", "99.99%");
        assertThat(Scale.position(90)).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Scale.position(99.9)).isEqualTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(scale.fraction(Scale.position(100))).isEqualTo(1.0);
        assertThat(scale.fraction(Scale.position(99))).isEqualTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    }
}
