package dev.flashsale.server.export;

import dev.flashsale.server.FlashsaleCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line of {@code flashsale export kafka}; the export itself is tested against a real broker in export-kafka. */
class ExportKafkaCommandTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path work;

    private int export(final String... args)
    {
        final String[] all = new String[args.length + 2];
        all[0] = "export";
        all[1] = "kafka";
        System.arraycopy(args, 0, all, 2, args.length);
        return FlashsaleCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheOption()
    {
        assertThat(export("--data-dir", work.toString())).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--bootstrap");
        assertThat(export("--data-dir", work.toString(), "--bootstrap", "no-port")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(export("--data-dir", work.toString(), "--bootstrap", "h:9092", "--batch-events", "0"))
            .isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(export("--data-dir", work.toString(), "--bootstrap", "h:9092", "--kafka-property", "enable.idempotence=false"))
            .isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("'enable.idempotence' is set by the exporter itself");
    }

    @Test
    void aDirectoryThatIsNoDataDirectoryFailsBeforeAnyConnection()
    {
        assertThat(export("--data-dir", work.resolve("none").toString(), "--bootstrap", "127.0.0.1:1"))
            .isEqualTo(FlashsaleCommand.EXIT_FAILED);
        assertThat(err.toString()).contains("flashsale: no data directory at");
    }

    @Test
    void helpNamesTheTopicsAndTheGuarantee()
    {
        assertThat(export("--help")).isZero();
        assertThat(out.toString()).contains("--bootstrap", "--topic-prefix", "--metrics-port", "read_committed");
    }
}
