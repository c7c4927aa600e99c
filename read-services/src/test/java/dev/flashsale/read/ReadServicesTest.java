package dev.flashsale.read;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ReadServicesTest
{
    @TempDir
    Path work;

    @Test
    void stoppedProjectionsAreReportedWithoutTheirExceptionsText() throws Exception
    {
        final Path data = work.resolve("data");
        try (JournaledNode node = new JournaledNode(data);
             ReadServices services = ReadServices.start(data, work.resolve("read"), 100, 100))
        {
            assertThat(services.readiness(0, 0)).startsWith("projection orders: ");
            services.search().close(); // the projection thread's next index refresh fails
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (services.failure() == null && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            assertThat(services.failure()).as("the projections stopped").isNotNull();
            final String readiness = services.readiness(0, 0);
            assertThat(readiness).isEqualTo("projections stopped; the node's log has the cause\n")
                .doesNotContain(services.failure().getClass().getSimpleName());
        }
    }
}
