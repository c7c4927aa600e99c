package dev.flashsale.export.kafka;

import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A partition's log as the broker stored it, batch by batch: offsets, producer id and epoch,
 * transactional or not, control records (COMMIT, ABORT), and the journal positions of the events.
 * What a failing exactly-once test leaves behind, since a consumer sees neither the open nor the
 * aborted transactions nor the markers. Reads Kafka's internal record classes: test code only.
 */
final class SegmentDump
{
    private SegmentDump()
    {
    }

    static String dump(final Path partitionDirectory)
    {
        final StringBuilder out = new StringBuilder("== " + partitionDirectory.getFileName() + "\n");
        try (Stream<Path> files = Files.list(partitionDirectory))
        {
            for (final Path segment : files.filter(f -> f.toString().endsWith(".log")).sorted().toList())
            {
                try (FileRecords records = FileRecords.open(segment.toFile(), false))
                {
                    for (final RecordBatch batch : records.batches())
                    {
                        out.append(batch.baseOffset()).append("..").append(batch.lastOffset()).append(" pid ").append(batch.producerId())
                            .append(" epoch ").append(batch.producerEpoch()).append(batch.isTransactional() ? " txn" : "")
                            .append(" leaderEpoch ").append(batch.partitionLeaderEpoch());
                        if (batch.isControlBatch())
                        {
                            for (final Record record : batch)
                            {
                                out.append(" CONTROL ").append(ControlRecordType.parse(record.key()));
                            }
                        }
                        else
                        {
                            String first = null;
                            String last = null;
                            for (final Record record : batch)
                            {
                                final byte[] value = new byte[record.valueSize()];
                                record.value().get(value);
                                final String text = new String(value, StandardCharsets.UTF_8);
                                final String position = text.replaceAll(".*\"inputSequence\":(\\d+),\"index\":(\\d+).*", "($1,$2)");
                                if (first == null)
                                {
                                    first = position;
                                }
                                last = position;
                            }
                            out.append(" data ").append(first).append(" .. ").append(last);
                        }
                        out.append('\n');
                    }
                }
            }
        }
        catch (final Exception ex)
        {
            out.append("cannot read: ").append(ex).append('\n');
        }
        return out.toString();
    }
}
