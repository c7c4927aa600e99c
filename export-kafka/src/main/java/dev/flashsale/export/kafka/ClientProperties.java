package dev.flashsale.export.kafka;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.Properties;

/**
 * The settings of the exporter's admin client and consumers (the producer's are the exporter's
 * own): the operator's extra properties (security), the bootstrap servers, and timeouts from
 * {@code --kafka-timeout-ms}, so no call outlives a session's budget.
 */
final class ClientProperties
{
    private ClientProperties()
    {
    }

    static Properties admin(final ExportConfig config)
    {
        final Properties properties = new Properties();
        properties.putAll(config.kafkaProperties());
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(config.kafkaTimeoutMs()));
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(requestTimeoutMs(config)));
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-admin");
        return properties;
    }

    /**
     * @param isolation {@code read_committed} (what a consumer of the topics sees) or
     *                  {@code read_uncommitted} (also records of open and aborted transactions).
     */
    static Properties consumer(final ExportConfig config, final String isolation, final String clientIdSuffix)
    {
        final Properties properties = new Properties();
        properties.putAll(config.kafkaProperties());
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId() + clientIdSuffix);
        properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(config.kafkaTimeoutMs()));
        properties.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(requestTimeoutMs(config)));
        return properties;
    }

    static int requestTimeoutMs(final ExportConfig config)
    {
        return Math.max(1_000, config.kafkaTimeoutMs() / 2);
    }
}
