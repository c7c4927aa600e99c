package dev.flashsale.journal.tools;

import dev.flashsale.journal.EventJournalReader;
import dev.flashsale.journal.InputJournalReader;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.DirectBuffer;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code flashsale journal dump}: inputs (and, with events, each input's events after it) as lines
 * of text or JSON, filtered. Damaged records are printed as such and reading goes on: a dump is for
 * looking, not for deciding.
 */
final class Dump
{
    /** What to print; 0 / null / MIN / MAX mean "no bound". */
    record Filter(long fromSequence, long toSequence, long fromTimeMs, long toTimeMs, String sku, long customerId,
        long checkoutId)
    {
        static Filter all()
        {
            return new Filter(0, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, null, 0, 0);
        }
    }

    private final ToolContext context;
    private final MessagePrinter printer = new MessagePrinter();
    private final PrintWriter out;
    private final boolean json;
    private final StringBuilder line = new StringBuilder();

    Dump(final ToolContext context, final PrintWriter out, final boolean json)
    {
        this.context = context;
        this.out = out;
        this.json = json;
    }

    /** @return inputs printed. */
    long run(final Filter filter, final boolean withEvents)
    {
        final SingleChronicleQueue events = withEvents || filter.checkoutId() != 0 ? context.events() : null;
        final Set<Long> checkoutInputs = filter.checkoutId() != 0 ? inputsAbout(events, filter.checkoutId()) : Set.of();
        long printed = 0;
        try (InputJournalReader inputs = new InputJournalReader(context.inputs(), 0);
             EventJournalReader eventReader = withEvents && events != null ? new EventJournalReader(events) : null)
        {
            EventJournalReader.Status eventStatus = eventReader == null ? EventJournalReader.Status.END : eventReader.next();
            while (true)
            {
                final InputJournalReader.Status status = inputs.next();
                if (status == InputJournalReader.Status.END)
                {
                    break;
                }
                if (status != InputJournalReader.Status.RECORD)
                {
                    problem(inputs.position(), inputs.problem());
                    continue;
                }
                final long sequence = inputs.sequence();
                if (sequence > filter.toSequence())
                {
                    break;
                }
                final boolean shown = sequence >= filter.fromSequence() && inputs.timestampMs() >= filter.fromTimeMs() &&
                    inputs.timestampMs() <= filter.toTimeMs() &&
                    matches(printer.fields(inputs.payload(), 0, inputs.length()), filter, checkoutInputs, sequence);
                if (shown)
                {
                    printInput(sequence, inputs.timestampMs(), inputs.payload(), inputs.length());
                    printed++;
                }
                while (eventStatus != EventJournalReader.Status.END && eventReader.inputSequence() <= sequence)
                {
                    if (eventStatus != EventJournalReader.Status.RECORD)
                    {
                        problem(eventReader.position(), eventReader.problem());
                    }
                    else if (shown && eventReader.inputSequence() == sequence)
                    {
                        printEvent(eventReader.inputSequence(), eventReader.eventIndex(), eventReader.payload(),
                            eventReader.length());
                    }
                    eventStatus = eventReader.next();
                }
            }
        }
        out.flush();
        return printed;
    }

    private boolean matches(final MessageFields fields, final Filter filter, final Set<Long> checkoutInputs, final long seq)
    {
        return (filter.sku() == null || fields.skus.contains(filter.sku())) &&
            (filter.customerId() == 0 || fields.customerId == filter.customerId()) &&
            (filter.checkoutId() == 0 || fields.checkoutId == filter.checkoutId() || checkoutInputs.contains(seq));
    }

    /** @return the inputs whose events name the checkout: the reserve that made it, and whatever expired it. */
    private Set<Long> inputsAbout(final SingleChronicleQueue events, final long checkoutId)
    {
        final Set<Long> inputs = new HashSet<>();
        if (events == null)
        {
            return inputs;
        }
        try (EventJournalReader reader = new EventJournalReader(events))
        {
            EventJournalReader.Status status;
            while ((status = reader.next()) != EventJournalReader.Status.END)
            {
                if (status == EventJournalReader.Status.RECORD &&
                    printer.fields(reader.payload(), 0, reader.length()).checkoutId == checkoutId)
                {
                    inputs.add(reader.inputSequence());
                }
            }
        }
        return inputs;
    }

    private void printInput(final long sequence, final long timeMs, final DirectBuffer payload, final int length)
    {
        line.setLength(0);
        final String name = printer.name(payload, 0, length);
        if (json)
        {
            line.append("{\"kind\":\"input\",\"sequence\":").append(sequence).append(",\"timeMs\":").append(timeMs)
                .append(",\"type\":\"").append(name).append("\",\"message\":");
            printer.print(payload, 0, length, true, line);
            line.append('}');
        }
        else
        {
            line.append('#').append(sequence).append(' ').append(Instant.ofEpochMilli(timeMs)).append(' ').append(name)
                .append(' ');
            printer.print(payload, 0, length, false, line);
        }
        out.println(line);
    }

    private void printEvent(final long inputSequence, final int index, final DirectBuffer payload, final int length)
    {
        line.setLength(0);
        final String name = printer.name(payload, 0, length);
        if (json)
        {
            line.append("{\"kind\":\"event\",\"inputSequence\":").append(inputSequence).append(",\"index\":").append(index)
                .append(",\"type\":\"").append(name).append("\",\"message\":");
            printer.print(payload, 0, length, true, line);
            line.append('}');
        }
        else
        {
            line.append("    -> ").append(name).append(' ');
            printer.print(payload, 0, length, false, line);
        }
        out.println(line);
    }

    private void problem(final String position, final String problem)
    {
        out.println(json ? "{\"kind\":\"damage\",\"position\":\"" + position + "\",\"problem\":\"" + problem + "\"}" :
            "!! damaged record at " + position + ": " + problem);
    }
}
