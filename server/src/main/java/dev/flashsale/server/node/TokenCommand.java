package dev.flashsale.server.node;

import dev.flashsale.gateway.auth.ApiClient;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.auth.CustomerTokens;
import dev.flashsale.server.config.FlashsaleConfig;
import dev.flashsale.server.logging.LogSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code flashsale token}: signs a customer token with a storefront client's secret, for development and tests. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    header = "Print a customer token signed with a storefront client's secret.",
    description = {
        "Signs the token a storefront back end would give a signed-in shopper (docs/API.md, \"Customer tokens\"),",
        "with the token secret of a client in the node's credentials file. For development and curl.",
        "--customers FROM..TO --out FILE signs one token per customer of the range, one a line, for load tools",
        "such as wrk (benchmarks/scripts/reserve.lua)."})
public final class TokenCommand implements Callable<Integer>
{
    private static final Logger LOG = LoggerFactory.getLogger(TokenCommand.class);

    /** Tokens one --customers call writes, at most (about 70 bytes each). */
    static final long MAX_TOKENS = 10_000_000;

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (properties); see docs/CONFIGURATION.md.")
    private Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory holding credentials.properties (default: journal.data-dir).")
    private Path dataDirectory;

    @Option(names = "--customer", paramLabel = "ID", description = "The customer id, positive.")
    private long customerId;

    @Option(names = "--customers", paramLabel = "FROM..TO", description = "A range of customer ids instead, with --out.")
    private String customers;

    @Option(names = "--out", paramLabel = "FILE", description = "Where --customers writes its tokens, one a line.")
    private Path out;

    @Option(names = "--client", paramLabel = "ID", defaultValue = "1", description = "The storefront client id (default: ${DEFAULT-VALUE}).")
    private int clientId;

    @Option(names = "--ttl-seconds", paramLabel = "S", defaultValue = "3600", description = "Validity (default: ${DEFAULT-VALUE}).")
    private long ttlSeconds;

    @Override
    public Integer call()
    {
        final FlashsaleConfig config = FlashsaleConfig.load(configFile, System.getenv());
        LogSetup.apply(config.logFormat(), config.logLevel(), config.logLevels()); // as run does: one layout for every command
        if (dataDirectory != null)
        {
            config.dataDirectory(dataDirectory);
        }
        if ((customers == null) == (customerId == 0) || (customers == null) != (out == null))
        {
            throw new ParameterException(spec.commandLine(), "give either --customer ID, or --customers FROM..TO and --out FILE");
        }
        if (customerId < 0 || ttlSeconds <= 0)
        {
            throw new ParameterException(spec.commandLine(), "--customer and --ttl-seconds must be positive");
        }
        final Path file = config.credentialsFile();
        if (!Files.exists(file))
        {
            throw new ParameterException(spec.commandLine(), "no credentials file at " + file +
                ": start the node once (flashsale run) to create one");
        }
        final ApiClient client = Credentials.load(file).client(clientId);
        if (client == null || client.role() != ApiClient.Role.STOREFRONT)
        {
            throw new ParameterException(spec.commandLine(), "no storefront client " + clientId + " in " + file);
        }
        final long expires = System.currentTimeMillis() / 1000 + ttlSeconds;
        if (customers != null)
        {
            final long[] range = range(customers);
            writeTokens(client, range[0], range[1], expires);
            // stdout stays empty in this mode: the log says what was written (never a token: they are credentials)
            LOG.info("signed {} customer tokens, customers {}..{}, with the secret of client {}, valid until {}, into {}",
                range[1] - range[0] + 1, range[0], range[1], clientId, Instant.ofEpochSecond(expires), out);
            return 0;
        }
        spec.commandLine().getOut().println(new CustomerTokens().sign(client, customerId, expires));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** One signer, one buffered file: a million tokens take a second or two, where a JVM per token takes hours. */
    private void writeTokens(final ApiClient client, final long from, final long to, final long expires)
    {
        final CustomerTokens tokens = new CustomerTokens();
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.US_ASCII))
        {
            for (long customer = from; customer <= to; customer++)
            {
                writer.write(tokens.sign(client, customer, expires));
                writer.newLine();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + out + ": " + ex.getMessage(), ex);
        }
    }

    /** @return {from, to} of "FROM..TO", 1 <= FROM <= TO, at most {@value #MAX_TOKENS} customers. */
    private long[] range(final String text)
    {
        final int dots = text.indexOf("..");
        try
        {
            final long from = Long.parseLong(text.substring(0, Math.max(dots, 0)));
            final long to = Long.parseLong(text.substring(dots + 2));
            if (dots > 0 && from >= 1 && to >= from && to - from < MAX_TOKENS)
            {
                return new long[] {from, to};
            }
        }
        catch (final NumberFormatException | IndexOutOfBoundsException ex)
        {
            // refused below
        }
        throw new ParameterException(spec.commandLine(), "--customers must be FROM..TO with 1 <= FROM <= TO and at most " +
            MAX_TOKENS + " customers: " + text);
    }
}
