package dev.flashsale.read;

import dev.flashsale.journal.BackgroundShare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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

    @Test
    void projectionsFollowTheFirstEventsAfterAQuietSpell() throws Exception
    {
        final Path data = work.resolve("data");
        try (JournaledNode node = new JournaledNode(data);
             ReadServices services = ReadServices.start(data, work.resolve("read"), 100, 100))
        {
            ordersAroundAQuietSpell(node, services);
        }
    }

    @Test
    void projectionsAsleepOnTheEventWritersDoorbellFollowTheFirstEventsAfterAQuietSpell() throws Exception
    {
        final Path data = work.resolve("data");
        try (JournaledNode node = new JournaledNode(data);
             ReadServices services = ReadServices.start(data, work.resolve("read"), 100, 100, BackgroundShare.unpaced(),
                 node.eventDoorbell()))
        {
            ordersAroundAQuietSpell(node, services);
        }
    }

    private static void ordersAroundAQuietSpell(final JournaledNode node, final ReadServices services) throws InterruptedException
    {
        node.upsertSku("TEE", 10);
        node.reserve(1, "TEE", 1);
        awaitOrders(services, 1, "an order while events come");
        // longer than QUIET_AFTER_NS without an event: the projection thread now looks less often, or sleeps on the doorbell
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(ReadServices.QUIET_AFTER_NS) + 500);
        node.reserve(2, "TEE", 1);
        awaitOrders(services, 2, "an order after a quiet spell");
        assertThat(services.failure()).isNull();
    }

    private static void awaitOrders(final ReadServices services, final long customer, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (services.orders().orders(customer).size() != 1 && services.failure() == null && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertThat(services.orders().orders(customer)).as(what).hasSize(1);
    }
}
