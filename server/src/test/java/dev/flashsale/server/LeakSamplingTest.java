package dev.flashsale.server;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

class LeakSamplingTest
{
    private ResourceLeakDetector.Level levelBefore;
    private String propertyBefore;

    @BeforeEach
    void saveTheJvmsSetting()
    {
        levelBefore = ResourceLeakDetector.getLevel();
        propertyBefore = System.getProperty(LeakSampling.PROPERTY);
        System.clearProperty(LeakSampling.PROPERTY);
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE); // Netty's default
    }

    @AfterEach
    void restoreIt()
    {
        ResourceLeakDetector.setLevel(levelBefore);
        if (propertyBefore == null)
        {
            System.clearProperty(LeakSampling.PROPERTY);
        }
        else
        {
            System.setProperty(LeakSampling.PROPERTY, propertyBefore);
        }
    }

    @Test
    void samplingGoesOffUnlessAskedFor()
    {
        LeakSampling.offUnlessAsked();

        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.DISABLED);
    }

    @Test
    void aLevelTheOperatorAskedForStays()
    {
        System.setProperty(LeakSampling.PROPERTY, "paranoid");
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID); // what Netty read from the property

        LeakSampling.offUnlessAsked();

        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void theLoadGeneratorRunsWithoutSampling() throws IOException
    {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0))
        {
            closedPort = socket.getLocalPort();
        }
        final StringWriter err = new StringWriter();

        final int exit = FlashsaleCommand.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
            "loadgen", "--port", Integer.toString(closedPort), "--scenario", "hello", "--duration", "1", "--warmup", "0");

        assertThat(exit).as(err.toString()).isNotZero(); // nobody listens: it reports that and stops
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.DISABLED);
    }
}
