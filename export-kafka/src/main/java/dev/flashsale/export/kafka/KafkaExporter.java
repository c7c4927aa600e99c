package dev.flashsale.export.kafka;

import dev.flashsale.journal.JournalException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Tails a node's event journal and publishes every event, in journal order, to Kafka, exactly
 * once for {@code read_committed} consumers.
 *
 * <p>A session: a transactional producer is created and {@code initTransactions()} fences any
 * earlier incarnation of the same transactional id and finishes its last transaction (commit or
 * abort); then {@link Resume} aborts the transactions Kafka left hanging on the exporter's
 * partitions, reads the stored position ({@link PositionStore}) and reconciles it with the event
 * topics: the journal is positioned just after it ({@link JournalTail}), or before it when an
 * aborted transaction held events it counts, and the events after that point which the topics
 * already hold committed are skipped. Then, batch by batch: up to {@code batchEvents} events are
 * read, those not skipped sent in one transaction together with the position of the last of them,
 * and committed. A crash at any point leaves each partition with the whole batch's share or none of
 * it, and the next session sends what is missing, from what Kafka says.
 *
 * <p>Any Kafka failure (a timeout while the broker is away among them) ends the session: the
 * producer is dropped, the exporter logs, waits (doubling from {@code minBackoffMs} to
 * {@code maxBackoffMs}) and starts a new session, which again asks Kafka where it stands: a
 * commit whose answer was lost is never sent twice. Failures retrying cannot fix (fenced by another
 * exporter, refused credentials) stop it with {@link ExportStoppedException}; a damaged journal
 * stops it with {@link JournalException} after the events before the damage are committed.
 *
 * <p>Ordering: every event of a checkout goes to the checkouts topic with the checkout id as key,
 * every event of a SKU to the SKUs topic with the SKU code as key, so each key's events land on
 * one partition in journal order (idempotent producer: retries neither reorder nor duplicate).
 *
 * <p>One thread runs {@link #run}; {@link #stop} may be called from any (a shutdown hook).
 */
public final class KafkaExporter
{
    private static final Logger LOG = LoggerFactory.getLogger(KafkaExporter.class);
    private static final long LAG_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final byte[] SCHEMA_HEADER = Integer.toString(EventJson.SCHEMA_VERSION).getBytes(StandardCharsets.US_ASCII);

    private final ExportConfig config;
    private final PositionStore positions;
    private final Resume resume;
    private final ExporterMetrics metrics = new ExporterMetrics();
    private final EventJson json = new EventJson();
    private final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    private final List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final String checkoutsTopic;
    private final String skusTopic;
    private volatile boolean stopping;
    private volatile Thread runner;
    private volatile ExportPosition exported = ExportPosition.START;
    private volatile int metricsPort = -1;
    private ExportPosition batchLast;
    private TreeMap<JournalPosition, EventTopics.InKafka> alreadyInKafka = new TreeMap<>();
    private int batchCheckouts;
    private int batchSkus;

    public KafkaExporter(final ExportConfig config)
    {
        this.config = config;
        this.positions = new PositionStore(config);
        this.resume = new Resume(config, positions, metrics);
        this.checkoutsTopic = config.topic(config.checkoutsTopic());
        this.skusTopic = config.topic(config.skusTopic());
    }

    /**
     * Exports until {@link #stop()}: returns once the batch in flight is committed (or abandoned,
     * to be sent again by the next start).
     *
     * @throws JournalException       the event journal is damaged or is not the one exported from.
     * @throws ExportStoppedException retrying cannot help (see the message).
     */
    public void run()
    {
        runner = Thread.currentThread();
        try (JournalTail tail = new JournalTail(config.dataDirectory());
             MetricsEndpoint endpoint = config.metricsPort() < 0 ? null : new MetricsEndpoint(config.metricsPort(), metrics))
        {
            if (endpoint != null)
            {
                metricsPort = endpoint.port();
            }
            LOG.info("exporting the event journal of {} to Kafka at {}: topics {} and {}, position in {} under '{}'{}",
                config.dataDirectory(), config.bootstrap(), checkoutsTopic, skusTopic, positions.topic(), config.transactionalId(),
                endpoint == null ? "" : ", metrics on http://0.0.0.0:" + endpoint.port() + "/metrics");
            loop(tail);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot serve metrics on port " + config.metricsPort() + ": " + ex.getMessage(), ex);
        }
        finally
        {
            metrics.connected = false;
            finished.countDown();
        }
    }

    /** Asks {@link #run} to return after the current batch; waits up to {@code timeoutMs} for it. */
    public boolean stop(final long timeoutMs) throws InterruptedException
    {
        stopping = true;
        final Thread thread = runner;
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
        return finished.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** @return the last position committed to Kafka (as this process knows it). */
    public ExportPosition exported()
    {
        return exported;
    }

    /** @return the port {@code /metrics} listens on, once {@link #run} started it; -1 before or without one. */
    public int metricsPort()
    {
        return metricsPort;
    }

    /** @return the metrics page as {@code /metrics} would serve it, without the JVM's. */
    public String metricsText()
    {
        final StringBuilder out = new StringBuilder();
        metrics.render(out);
        return out.toString();
    }

    private void loop(final JournalTail tail)
    {
        long backoffMs = config.minBackoffMs();
        int failures = 0;
        boolean topicsReady = false;
        while (!stopping)
        {
            KafkaProducer<String, byte[]> producer = null;
            try
            {
                if (!topicsReady)
                {
                    TopicSetup.ensureTopics(config);
                    topicsReady = true;
                }
                producer = new KafkaProducer<>(producerProperties());
                producer.initTransactions(); // waits for, or aborts, what the previous producer of this id left running
                final Resume.Plan plan;
                try (Admin admin = Admin.create(ClientProperties.admin(config)))
                {
                    plan = resume.plan(admin);
                }
                final ExportPosition start = positionTail(tail, plan);
                exported = start;
                alreadyInKafka = plan.alreadyInKafka();
                metrics.exportedInputSequence = start.inputSequence();
                metrics.exportedEventsTotal = start.exportedEvents();
                metrics.connected = true;
                if (failures > 0)
                {
                    LOG.info("Kafka is back after {} failed attempt(s): resuming after event {} ({} events exported so far)",
                        failures, start, start.exportedEvents());
                }
                else
                {
                    LOG.info("resuming after event {} ({} events exported so far)", start, start.exportedEvents());
                }
                failures = 0;
                backoffMs = config.minBackoffMs();
                export(producer, tail);
            }
            catch (final ProducerFencedException | TransactionalIdAuthorizationException ex)
            {
                throw new ExportStoppedException("another exporter with transactional id '" + config.transactionalId() +
                    "' took over (or this one may not use it): " + ex.getMessage() + ". Run one exporter per journal", ex);
            }
            catch (final InvalidConfigurationException ex) // refused credentials, ACLs, a broker too old: Kafka 4 files them here
            {
                throw new ExportStoppedException("Kafka at " + config.bootstrap() + " refused the exporter: " + ex, ex);
            }
            catch (final KafkaException ex)
            {
                metrics.connected = false;
                metrics.brokerFailures.incrementAndGet();
                failures++;
                LOG.warn("Kafka at {} failed or is unavailable ({}); the batch in flight is not counted as exported. " +
                    "Attempt {} failed, backing off {} ms, then reconnecting from the position Kafka holds (last known: {})",
                    config.bootstrap(), ex.toString(), failures, backoffMs, exported);
                pause(backoffMs);
                backoffMs = Math.min(config.maxBackoffMs(), backoffMs * 2);
            }
            catch (final IllegalStateException ex) // a position record we cannot read, topics another producer writes to
            {
                throw new ExportStoppedException(ex.getMessage(), ex);
            }
            finally
            {
                if (producer != null)
                {
                    producer.close(Duration.ZERO); // an open transaction is finished by the next initTransactions()
                }
            }
        }
        LOG.info("stopped after event {} ({} events exported)", exported, exported.exportedEvents());
    }

    /** @return where the session starts: the stored position, or just before the first event to send again. */
    private static ExportPosition positionTail(final JournalTail tail, final Resume.Plan plan)
    {
        tail.positionAfter(plan.stored()); // checks the journal holds the stored event, even when restarting before it
        if (plan.restartAt() == null)
        {
            return plan.stored();
        }
        final long before = tail.positionAt(plan.restartAt());
        final JournalPosition after = plan.restartAt().justBefore();
        return new ExportPosition(after.inputSequence(), after.index(), -1, before, -1);
    }

    private void export(final KafkaProducer<String, byte[]> producer, final JournalTail tail)
    {
        final JournalTail.Handler handler = this::add;
        long nextLagCheck = 0;
        long nextLog = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.logIntervalMs());
        long eventsAtLastLog = exported.exportedEvents();
        while (!stopping)
        {
            batch.clear();
            batchLast = exported;
            batchCheckouts = 0;
            batchSkus = 0;
            RuntimeException damage = null;
            try
            {
                tail.poll(handler, config.batchEvents());
            }
            catch (final JournalException | IllegalStateException ex)
            {
                damage = ex; // commit the good events before it, then stop
            }
            final boolean handedOut = batchLast != exported;
            if (handedOut)
            {
                commit(producer); // the events not yet in Kafka (perhaps none: all skipped) and the position after them
            }
            if (damage != null)
            {
                LOG.error("export stopped: {}", damage.getMessage());
                throw damage instanceof JournalException ? damage : new JournalException(damage.getMessage(), damage);
            }
            final long now = System.nanoTime();
            if (now - nextLagCheck >= 0)
            {
                metrics.journalInputSequence = Math.max(tail.lastInputSequence(), exported.inputSequence());
                nextLagCheck = now + LAG_CHECK_NANOS;
            }
            if (now - nextLog >= 0)
            {
                final long events = exported.exportedEvents();
                LOG.info("exported {} events in the last {} s; at event {}, journal at input {}, lag {} inputs",
                    events - eventsAtLastLog, config.logIntervalMs() / 1000, exported, metrics.journalInputSequence,
                    metrics.lagInputs());
                eventsAtLastLog = events;
                nextLog = now + TimeUnit.MILLISECONDS.toNanos(config.logIntervalMs());
            }
            if (!handedOut)
            {
                LockSupport.parkNanos(IDLE_NANOS);
            }
        }
    }

    private void add(final long inputSequence, final int index, final long chronicleIndex, final DirectBuffer buffer,
        final int offset, final int length)
    {
        final EventJson.Exported event = json.convert(inputSequence, index, buffer, offset);
        final boolean checkout = event.kind() == EventJson.Kind.CHECKOUT;
        final String topic = checkout ? checkoutsTopic : skusTopic;
        final long checksum = ExportPosition.checksum(crc, buffer, offset, length);
        if (!alreadyInKafka.isEmpty() && isInKafka(new JournalPosition(inputSequence, index), topic, event))
        {
            batchLast = new ExportPosition(inputSequence, index, chronicleIndex, batchLast.exportedEvents() + 1, checksum);
            metrics.skippedEvents.incrementAndGet();
            return;
        }
        final RecordHeaders headers = new RecordHeaders();
        headers.add("flashsale-schema", SCHEMA_HEADER);
        headers.add("flashsale-type", event.type().getBytes(StandardCharsets.US_ASCII));
        batch.add(new ProducerRecord<>(topic, null, event.key(), event.json(), headers));
        if (checkout)
        {
            batchCheckouts++;
        }
        else
        {
            batchSkus++;
        }
        batchLast = new ExportPosition(inputSequence, index, chronicleIndex, batchLast.exportedEvents() + 1, checksum);
    }

    /**
     * @return true if the topics hold this event committed already (found at the session's start,
     *         after the position the session started from): it is skipped, not sent again.
     * @throws JournalException if the topics hold another event there, or one the journal passed by.
     */
    private boolean isInKafka(final JournalPosition at, final String topic, final EventJson.Exported event)
    {
        final Map.Entry<JournalPosition, EventTopics.InKafka> first = alreadyInKafka.firstEntry();
        final int order = first.getKey().compareTo(at);
        if (order > 0)
        {
            return false;
        }
        final EventTopics.InKafka inKafka = first.getValue();
        if (order < 0)
        {
            throw new JournalException("Kafka holds a committed event at " + first.getKey() + " (" + inKafka + ") that the " +
                "event journal does not have (it went on to " + at + "): this is not the journal the export came from. " +
                "Export it under another --transactional-id (to new topics) or restore the journal");
        }
        if (!inKafka.partition().topic().equals(topic) || !java.util.Objects.equals(inKafka.key(), event.key()) ||
            !inKafka.type().equals(event.type()))
        {
            throw new JournalException("Kafka holds another event at " + at + " (" + inKafka + ") than the event journal (" +
                event.type() + " '" + event.key() + "' for " + topic + "): this is not the journal the export came from. " +
                "Export it under another --transactional-id (to new topics) or restore the journal");
        }
        alreadyInKafka.pollFirstEntry();
        return true;
    }

    private void commit(final KafkaProducer<String, byte[]> producer)
    {
        producer.beginTransaction();
        for (final ProducerRecord<String, byte[]> record : batch)
        {
            producer.send(record);
        }
        producer.send(positions.record(batchLast));
        producer.commitTransaction(); // flushes; throws if any send failed, and nothing of the batch is visible
        exported = batchLast;
        metrics.exportedInputSequence = batchLast.inputSequence();
        metrics.exportedEventsTotal = batchLast.exportedEvents();
        metrics.journalInputSequence = Math.max(metrics.journalInputSequence, batchLast.inputSequence());
        metrics.checkoutEvents.addAndGet(batchCheckouts);
        metrics.skuEvents.addAndGet(batchSkus);
        metrics.transactions.incrementAndGet();
        metrics.lastCommitEpochMs = System.currentTimeMillis();
    }

    private Properties producerProperties()
    {
        final Properties properties = new Properties();
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        properties.putAll(config.kafkaProperties());
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5"); // the most idempotence keeps in order
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, config.transactionalId());
        properties.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(config.transactionTimeoutMs()));
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(config.kafkaTimeoutMs()));
        final int requestTimeout = Math.max(1_000, config.kafkaTimeoutMs() / 2);
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(requestTimeout));
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Math.max(config.kafkaTimeoutMs(),
            requestTimeout + Integer.parseInt(properties.getProperty(ProducerConfig.LINGER_MS_CONFIG)))));
        return properties;
    }

    private void pause(final long ms)
    {
        final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long left;
        while (!stopping && (left = until - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(left);
        }
    }
}
