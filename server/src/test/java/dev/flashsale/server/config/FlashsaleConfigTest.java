package dev.flashsale.server.config;

import dev.flashsale.engine.pipeline.ThreadLayout;
import dev.flashsale.engine.pipeline.WaitStrategyKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlashsaleConfigTest
{
    @TempDir
    Path directory;

    private Path file(final String content) throws IOException
    {
        final Path file = directory.resolve("flashsale.properties");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void defaultsAreValid()
    {
        final FlashsaleConfig config = FlashsaleConfig.load(null, Map.of());
        assertThat(config.engine().checkoutCapacity()).isEqualTo(200_000);
        assertThat(config.pipeline().inputWaitStrategy()).isEqualTo(WaitStrategyKind.SPIN_THEN_BLOCK);
        assertThat(config.pipeline().threadLayout()).isEqualTo(ThreadLayout.AUTO);
        assertThat(config.readCpuPercent()).isEqualTo(10);
        assertThat(config.sources()).isEmpty();
    }

    @Test
    void aFileOverridesDefaultsAndTheEnvironmentOverridesTheFile() throws IOException
    {
        final Path file = file("engine.checkout-capacity = 5_000\nengine.max-skus=10\npipeline.input-wait-strategy=busy-spin\n");
        final FlashsaleConfig config = FlashsaleConfig.load(file, Map.of("FLASHSALE_ENGINE_MAX_SKUS", "20",
            "PATH", "/usr/bin"));
        assertThat(config.engine().checkoutCapacity()).isEqualTo(5_000);
        assertThat(config.engine().maxSkus()).isEqualTo(20);
        assertThat(config.pipeline().inputWaitStrategy()).isEqualTo(WaitStrategyKind.BUSY_SPIN);
        assertThat(config.sources().get("engine.max-skus")).isEqualTo("20 ($FLASHSALE_ENGINE_MAX_SKUS)");
    }

    @Test
    void theFileCanBeNamedByTheEnvironment() throws IOException
    {
        final Path file = file("engine.max-skus=33\n");
        final FlashsaleConfig config = FlashsaleConfig.load(null, Map.of("FLASHSALE_CONFIG", file.toString()));
        assertThat(config.engine().maxSkus()).isEqualTo(33);
    }

    @Test
    void mistakesAreNamed() throws IOException
    {
        assertThatThrownBy(() -> FlashsaleConfig.load(file("engine.max-skuz=3\n"), Map.of()))
            .hasMessageContaining("unknown keys").hasMessageContaining("engine.max-skuz");
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_ENGINE_MAX_SKUZ", "3")))
            .hasMessageContaining("FLASHSALE_ENGINE_MAX_SKUZ");
        assertThatThrownBy(() -> FlashsaleConfig.load(file("engine.max-skus=lots\n"), Map.of()))
            .hasMessageContaining("engine.max-skus: 'lots' is not an integer").hasMessageContaining("flashsale.properties");
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_PIPELINE_INPUT_WAIT_STRATEGY", "nap")))
            .hasMessageContaining("one of blocking, sleeping, yielding, busy-spin, backoff");
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_PIPELINE_INPUT_RING_SIZE", "1000")))
            .hasMessageContaining("pipeline.input-ring-size = 1000 ($FLASHSALE_PIPELINE_INPUT_RING_SIZE): must be a power of two");
        assertThatThrownBy(() -> FlashsaleConfig.load(file("journal.snapshot-retention=0\n"), Map.of()))
            .hasMessageContaining("journal.snapshot-retention = 0 (").hasMessageContaining("flashsale.properties): must be >= 1");
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_ENGINE_IDEMPOTENCY_RETENTION_MS", "1000")))
            .hasMessageContaining("engine.idempotency-retention-ms = 1000 ($FLASHSALE_ENGINE_IDEMPOTENCY_RETENTION_MS): must" +
                " be at least engine.max-hold-ttl-ms");
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "150000001")))
            .hasMessageContaining("engine.customer-capacity = 150000001").hasMessageContaining("must be 1..150,000,000");
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_ENGINE_MIN_HOLD_TTL_MS", "999999999")))
            .hasMessageContaining("engine.max-hold-ttl-ms = 3600000 (default): must be at least engine.min-hold-ttl-ms = " +
                "999999999 ($FLASHSALE_ENGINE_MIN_HOLD_TTL_MS)");
    }

    @Test
    void aCheckoutsTotalAtTheHighestPriceMustFitSixtyFourBits()
    {
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_ENGINE_MAX_QUANTITY_PER_LINE", "1000000")))
            .hasMessageContaining("engine.max-quantity-per-line = 1000000 ($FLASHSALE_ENGINE_MAX_QUANTITY_PER_LINE): must be at" +
                " most 9223372 units in all engine.max-lines-per-checkout = its default");
        assertThat(FlashsaleConfig.load(null, Map.of("FLASHSALE_ENGINE_MAX_QUANTITY_PER_LINE", "576460")).engine()
            .maxQuantityPerLine()).as("16 lines of 576,460 at 10^12 fit").isEqualTo(576_460);
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_ENGINE_MAX_QUANTITY_PER_LINE", "576461")))
            .hasMessageContaining("engine.max-quantity-per-line = 576461");
        assertThat(FlashsaleConfig.load(null, Map.of("FLASHSALE_ENGINE_MAX_QUANTITY_PER_LINE", "9223372",
            "FLASHSALE_ENGINE_MAX_LINES_PER_CHECKOUT", "1")).engine().maxQuantityPerLine()).isEqualTo(9_223_372);
    }

    @Test
    void theLogKeysAreParsedAndABadValueNamesItsKey()
    {
        final FlashsaleConfig defaults = FlashsaleConfig.load(null, Map.of());
        assertThat(defaults.logFormat()).isEqualTo(dev.flashsale.server.logging.LogFormat.TEXT);
        assertThat(defaults.logLevel()).isEqualTo("info");
        assertThat(defaults.logLevels()).isEmpty();
        assertThat(defaults.gateway().accessLogMaxPerSecond()).isEqualTo(100);

        final FlashsaleConfig config = FlashsaleConfig.load(null, Map.of("FLASHSALE_LOG_FORMAT", "JSON",
            "FLASHSALE_LOG_LEVEL", " Warn", "FLASHSALE_LOG_LEVELS", "flashsale.access=info, net.openhft=ERROR",
            "FLASHSALE_LOG_ACCESS_MAX_PER_SECOND", "0"));
        assertThat(config.logFormat()).isEqualTo(dev.flashsale.server.logging.LogFormat.JSON);
        assertThat(config.logLevel()).isEqualTo("warn");
        assertThat(config.logLevels()).containsExactly(Map.entry("flashsale.access", "info"), Map.entry("net.openhft", "error"));
        assertThat(config.gateway().accessLogMaxPerSecond()).isZero();

        for (final Map.Entry<String, String> bad : Map.of(
            "FLASHSALE_LOG_FORMAT", "xml",
            "FLASHSALE_LOG_LEVEL", "verbose",
            "FLASHSALE_LOG_LEVELS", "flashsale.access",
            "FLASHSALE_LOG_ACCESS_MAX_PER_SECOND", "100001").entrySet())
        {
            assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of(bad.getKey(), bad.getValue())))
                .as(bad.toString()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad.getKey().substring("FLASHSALE_".length()).toLowerCase(java.util.Locale.ROOT)
                    .replaceFirst("_", ".").replace('_', '-'));
        }
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_LOG_LEVELS", "a=info,a=warn")))
            .hasMessageContaining("given twice");
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_LOG_LEVELS", "bad name=info")))
            .hasMessageContaining("log.levels");
    }

    @Test
    void everyKeyIsDocumented() throws IOException
    {
        final String docs = Files.readString(Path.of("..", "docs", "CONFIGURATION.md"), StandardCharsets.UTF_8);
        for (final Setting setting : FlashsaleConfig.SETTINGS)
        {
            assertThat(docs).as("docs/CONFIGURATION.md documents " + setting.key())
                .contains("`" + setting.key() + "`", "`" + setting.environmentVariable() + "`",
                    "| " + setting.defaultText() + " |");
        }
    }

    @Test
    void theThreadLayoutAndTheBackgroundSharesAreKeysWithRanges()
    {
        final FlashsaleConfig config = FlashsaleConfig.load(null, Map.of("FLASHSALE_PIPELINE_THREAD_LAYOUT", "thread-per-stage",
            "FLASHSALE_JOURNAL_SNAPSHOT_CPU_PERCENT", "5", "FLASHSALE_READ_MAX_LAG_INPUTS", "1_000"));
        assertThat(config.pipeline().threadLayout()).isEqualTo(ThreadLayout.THREAD_PER_STAGE);
        assertThat(config.journal().snapshotCpuPercent()).isEqualTo(5);
        assertThat(config.readMaxLagInputs()).isEqualTo(1_000);
        assertThat(ThreadLayout.AUTO.resolve(2)).isEqualTo(ThreadLayout.CORE_THREAD);
        assertThat(ThreadLayout.AUTO.resolve(ThreadLayout.DEDICATED_MIN_CORES)).isEqualTo(ThreadLayout.THREAD_PER_STAGE);
        assertThat(ThreadLayout.CORE_THREAD.resolve(64)).isEqualTo(ThreadLayout.CORE_THREAD);

        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_PIPELINE_THREAD_LAYOUT", "two")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pipeline.thread-layout");
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_READ_CPU_PERCENT", "0")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read.cpu-percent");
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_JOURNAL_SNAPSHOT_CPU_PERCENT", "101")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("journal.snapshot-cpu-percent");
    }

    @Test
    void theFollowersNiceValueGoesToTheSnapshotterAndTheProjections()
    {
        final FlashsaleConfig defaults = FlashsaleConfig.load(null, Map.of());
        assertThat(defaults.backgroundNice()).isEqualTo(10);
        assertThat(defaults.journal().followerNice()).isEqualTo(10);
        final FlashsaleConfig normal = FlashsaleConfig.load(null, Map.of("FLASHSALE_PIPELINE_BACKGROUND_NICE", "0"));
        assertThat(normal.backgroundNice()).isZero();
        assertThat(normal.journal().followerNice()).isZero();
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_PIPELINE_BACKGROUND_NICE", "20")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pipeline.background-nice");
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_PIPELINE_BACKGROUND_NICE", "-5")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pipeline.background-nice");
        assertThat(defaults.backgroundIdle()).isTrue();
        assertThat(defaults.journal().followerIdle()).isTrue();
        final FlashsaleConfig niceOnly = FlashsaleConfig.load(null, Map.of("FLASHSALE_PIPELINE_BACKGROUND_IDLE", "false"));
        assertThat(niceOnly.backgroundIdle()).isFalse();
        assertThat(niceOnly.journal().followerIdle()).isFalse();
        assertThatThrownBy(() -> FlashsaleConfig.load(null, Map.of("FLASHSALE_PIPELINE_BACKGROUND_IDLE", "yes")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pipeline.background-idle");
    }

    @Test
    void withoutClusterKeysTheNodeIsStandalone()
    {
        assertThat(FlashsaleConfig.load(null, Map.of()).cluster()).isNull();
    }

    @Test
    void clusterKeysMakeAMemberOverTheDataDirectory() throws IOException
    {
        final FlashsaleConfig config = FlashsaleConfig.load(file("cluster.member-id = 1\n" +
            "cluster.members = 0=10.0.0.1, 1=10.0.0.2 ,2=10.0.0.3\ncluster.base-port = 30000\n"),
            Map.of("FLASHSALE_CLUSTER_ELECTION_TIMEOUT_MS", "400"));
        config.dataDirectory(directory.resolve("node-1"));
        final var cluster = config.cluster();
        assertThat(cluster.memberId()).isEqualTo(1);
        assertThat(cluster.members()).extracting(m -> m.id() + "=" + m.host())
            .containsExactly("0=10.0.0.1", "1=10.0.0.2", "2=10.0.0.3");
        assertThat(cluster.dataDirectory()).isEqualTo(directory.resolve("node-1"));
        assertThat(cluster.electionTimeoutMs()).isEqualTo(400);
        assertThat(cluster.ingressEndpoints()).isEqualTo("0=10.0.0.1:30002,1=10.0.0.2:30012,2=10.0.0.3:30022");
    }

    @Test
    void badClusterConfigurationIsAClearError() throws IOException
    {
        assertClusterError("cluster.member-id=3\ncluster.members=0=a,1=b,2=c\n", "cluster.member-id 3 is not one of cluster.members");
        assertClusterError("cluster.member-id=0\ncluster.members=0=a,1=b,1=c\n", "cluster member id 1 appears twice");
        assertClusterError("cluster.member-id=0\ncluster.members=0=a,1=b,2=c\ncluster.base-port=65520\n",
            "cluster.base-port 65520 puts member 2's ports outside 1024..65535");
        assertClusterError("cluster.member-id=0\n", "cluster.members is not");
        assertClusterError("cluster.members=0=a\n", "cluster.member-id is not");
        assertClusterError("cluster.member-id=0\ncluster.members=0=a:9000\n", "'0=a:9000' has a port");
        assertClusterError("cluster.member-id=0\ncluster.members=0\n", "'0' is not id=host");
        assertClusterError("cluster.member-id=zero\ncluster.members=0=a\n", "'zero' is not a member id");
        assertClusterError("cluster.member-id=0\ncluster.members=0=a\ncluster.election-timeout-ms=1000\n",
            "cluster.election-timeout-ms (1000) must be above 0 and below cluster.leader-heartbeat-timeout-ms (500)");
    }

    private void assertClusterError(final String properties, final String message) throws IOException
    {
        final Path file = file(properties);
        assertThatThrownBy(() -> FlashsaleConfig.load(file, Map.of())).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(message);
    }
}
