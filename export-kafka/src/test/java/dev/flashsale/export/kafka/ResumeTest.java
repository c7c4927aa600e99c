package dev.flashsale.export.kafka;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a session restarts when transactions with lost markers were aborted (the Kafka side is in LostMarkersTest). */
final class ResumeTest
{
    private static final ExportPosition STORED = new ExportPosition(100, 1, 42, 250, 7);

    @Test
    void nothingAbortedOrAbortedOnlyAfterTheStoredPositionContinuesJustAfterIt()
    {
        assertThat(Resume.restartAt(STORED, List.of())).isNull();
        // the batch after the stored position lost its markers everywhere: it is sent again anyway
        assertThat(Resume.restartAt(STORED, List.of(new JournalPosition(100, 2), new JournalPosition(101, 0)))).isNull();
        assertThat(Resume.restartAt(ExportPosition.START, List.of(new JournalPosition(1, 0)))).isNull();
    }

    @Test
    void abortedEventsTheStoredPositionCountsMakeItRestartAtTheFirstOfThem()
    {
        // the position record committed, but events of its batch were aborted on other partitions
        assertThat(Resume.restartAt(STORED, List.of(new JournalPosition(99, 3), new JournalPosition(97, 0),
            new JournalPosition(100, 2)))).isEqualTo(new JournalPosition(97, 0));
        assertThat(Resume.restartAt(STORED, List.of(new JournalPosition(100, 1)))).isEqualTo(new JournalPosition(100, 1));
    }

    @Test
    void theBoundJustBeforeAnEventComesAfterEveryEarlierEventAndBeforeIt()
    {
        final JournalPosition event = new JournalPosition(100, 0);
        final JournalPosition bound = event.justBefore();
        assertThat(event.isAfter(bound)).isTrue();
        assertThat(bound.isAfter(new JournalPosition(99, Integer.MAX_VALUE))).isTrue();
        assertThat(new JournalPosition(100, 1).justBefore()).isEqualTo(new JournalPosition(100, 0));
        final Resume.Plan plan = new Resume.Plan(STORED, new JournalPosition(97, 2), null, List.of());
        assertThat(plan.after()).isEqualTo(new JournalPosition(97, 1));
        assertThat(new Resume.Plan(STORED, null, null, List.of()).after()).isEqualTo(new JournalPosition(100, 1));
    }
}
