package dev.flashsale.server.node;

import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.auth.CustomerTokens;
import dev.flashsale.server.FlashsaleCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCommandTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dataDirectory;

    private int token(final String... options)
    {
        final String[] args = new String[options.length + 3];
        args[0] = "token";
        args[1] = "--data-dir";
        args[2] = dataDirectory.toString();
        System.arraycopy(options, 0, args, 3, options.length);
        return FlashsaleCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void signsOneTokenPerCustomerOfARangeIntoAFile() throws Exception
    {
        final Credentials[] loaded = new Credentials[1];
        Credentials.loadOrCreate(dataDirectory.resolve("credentials.properties"), loaded);
        final Path file = dataDirectory.resolve("tokens.txt");

        assertThat(token("--customers", "5..9", "--out", file.toString())).as(err.toString()).isZero();

        final List<String> tokens = Files.readAllLines(file);
        assertThat(tokens).hasSize(5);
        final long now = System.currentTimeMillis() / 1000;
        for (int i = 0; i < tokens.size(); i++)
        {
            assertThat(new CustomerTokens().verify(loaded[0].client(1), tokens.get(i), now)).isEqualTo(5 + i);
        }
    }

    @Test
    void aRangeNeedsAFileAndOneCustomerNone()
    {
        Credentials.loadOrCreate(dataDirectory.resolve("credentials.properties"), new Credentials[1]);
        assertThat(token("--customers", "1..3")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(token("--customer", "1", "--customers", "1..3", "--out", "x")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(token("--customers", "3..1", "--out", dataDirectory.resolve("t").toString()))
            .isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--customers must be FROM..TO");
        assertThat(token("--customer", "42")).isZero();
        assertThat(out.toString()).startsWith("42.");
    }
}
