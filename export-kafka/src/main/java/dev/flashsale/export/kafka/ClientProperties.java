package dev.flashsale.export.kafka;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The settings of the exporter's admin client and consumers (the producer's are the exporter's
 * own): the operator's extra properties (security), the bootstrap servers, and timeouts from
 * {@code --kafka-timeout-ms}, so no call outlives a session's budget; and the wait for an admin
 * call's answer within that budget.
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

    /**
     * @param what the call, for the message of a timeout ("describing the topics").
     * @return the answer of an admin call, waited for at most {@code --kafka-timeout-ms}.
     * @throws KafkaException what Kafka answered instead (unwrapped), or a timeout.
     */
    static <T> T await(final KafkaFuture<T> future, final ExportConfig config, final String what)
    {
        try
        {
            return future.get(config.kafkaTimeoutMs(), TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw ex.getCause() instanceof KafkaException kafka ? kafka : new KafkaException(ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while " + what, ex);
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw new org.apache.kafka.common.errors.TimeoutException(what + " took longer than " + config.kafkaTimeoutMs() +
                " ms", ex);
        }
    }
}
