package dev.flashsale.export.kafka;

import dev.flashsale.journal.JournalException;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Positioning the exporter's view of a real event journal: after an exported event, or at an event to export again. */
final class JournalTailTest
{
    @TempDir
    Path data;

    @Test
    void positionAtAnEventHandsThatEventOutFirstAndCountsTheEventsBeforeIt()
    {
        try (SaleNode node = new SaleNode(data))
        {
            node.sale(21, 3, 100, 60, 1);
        }
        final List<ExportedEvents.Event> journal = ExportedEvents.inJournal(data, "");
        assertThat(journal.size()).isGreaterThan(100);
        try (JournalTail tail = new JournalTail(data))
        {
            for (final int at : new int[] {0, 1, 57, journal.size() - 1})
            {
                final ExportedEvents.Event target = journal.get(at);
                final long before = tail.positionAt(new JournalPosition(target.inputSequence(), target.index()));
                assertThat(before).isEqualTo(at);
                assertThat(handOut(tail, 3)).isEqualTo(journal.subList(at, Math.min(at + 3, journal.size())).stream()
                    .map(ExportedEvents.Event::position).toList());
            }
            // after a position that was stored (the usual start), then back before it (a repair), then after it again
            final ExportedEvents.Event stored = journal.get(80);
            tail.positionAfter(new ExportPosition(stored.inputSequence(), stored.index(), -1, 81, -1));
            assertThat(handOut(tail, 1)).containsExactly(journal.get(81).position());
            assertThat(tail.positionAt(new JournalPosition(journal.get(40).inputSequence(), journal.get(40).index()))).isEqualTo(40);
            assertThat(handOut(tail, 1)).containsExactly(journal.get(40).position());
        }
    }

    @Test
    void positionAtAnEventTheJournalDoesNotHaveIsRefused()
    {
        try (SaleNode node = new SaleNode(data))
        {
            node.sale(22, 2, 100, 20, 1);
        }
        final List<ExportedEvents.Event> journal = ExportedEvents.inJournal(data, "");
        final ExportedEvents.Event last = journal.get(journal.size() - 1);
        try (JournalTail tail = new JournalTail(data))
        {
            assertThatThrownBy(() -> tail.positionAt(new JournalPosition(last.inputSequence() + 5, 0)))
                .isInstanceOf(JournalException.class).hasMessageContaining("has no event (" + (last.inputSequence() + 5) + ", 0)");
            assertThatThrownBy(() -> tail.positionAt(new JournalPosition(last.inputSequence(), last.index() + 3)))
                .isInstanceOf(JournalException.class).hasMessageContaining("not the journal the export came from");
        }
    }

    private static List<String> handOut(final JournalTail tail, final int limit)
    {
        final List<String> positions = new ArrayList<>();
        tail.poll((final long inputSequence, final int index, final long chronicleIndex, final DirectBuffer buffer,
            final int offset, final int length) -> positions.add("(" + inputSequence + ", " + index + ")"), limit);
        return positions;
    }
}
