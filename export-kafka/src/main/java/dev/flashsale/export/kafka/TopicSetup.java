package dev.flashsale.export.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates the exporter's topics when they do not exist: the event topics with the configured
 * partitions, the position topic compacted with one partition (a position is read back from
 * partition 0 only). Existing topics are used as they are; a position topic with more than one
 * partition is accepted (only partition 0 is used).
 */
final class TopicSetup
{
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup()
    {
    }

    /** @throws KafkaException while the broker is away (the caller backs off and tries again). */
    static void ensureTopics(final ExportConfig config)
    {
        final Optional<Short> replication = config.replicationFactor() < 0 ? Optional.empty() :
            Optional.of(config.replicationFactor());
        try (Admin admin = Admin.create(ClientProperties.admin(config)))
        {
            final Set<String> existing = get(admin.listTopics().names(), config);
            final List<NewTopic> missing = new ArrayList<>();
            for (final String name : List.of(config.checkoutsTopic(), config.skusTopic()))
            {
                if (!existing.contains(config.topic(name)))
                {
                    missing.add(new NewTopic(config.topic(name), Optional.of(config.partitions()), replication));
                }
            }
            final String positions = config.topic(config.positionsTopic());
            if (!existing.contains(positions))
            {
                missing.add(new NewTopic(positions, Optional.of(1), replication).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(1024 * 1024))));
            }
            if (!missing.isEmpty())
            {
                try
                {
                    admin.createTopics(missing).all().get(config.kafkaTimeoutMs(), TimeUnit.MILLISECONDS);
                    LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
                }
                catch (final ExecutionException ex)
                {
                    if (!(ex.getCause() instanceof TopicExistsException)) // another exporter was quicker
                    {
                        throw unwrap(ex);
                    }
                }
            }
            final TopicDescription described = get(admin.describeTopics(List.of(positions)).allTopicNames(), config).get(positions);
            if (described.partitions().size() != 1)
            {
                LOG.warn("position topic {} has {} partitions; the exporter uses partition 0 only", positions,
                    described.partitions().size());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topics", ex);
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw new org.apache.kafka.common.errors.TimeoutException("creating topics took longer than " +
                config.kafkaTimeoutMs() + " ms", ex);
        }
    }

    private static <T> T get(final org.apache.kafka.common.KafkaFuture<T> future, final ExportConfig config)
        throws InterruptedException, java.util.concurrent.TimeoutException
    {
        try
        {
            return future.get(config.kafkaTimeoutMs(), TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw unwrap(ex);
        }
    }

    private static KafkaException unwrap(final ExecutionException ex)
    {
        return ex.getCause() instanceof KafkaException kafka ? kafka : new KafkaException(ex.getCause());
    }
}
