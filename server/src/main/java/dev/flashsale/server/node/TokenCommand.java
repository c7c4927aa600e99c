package dev.flashsale.server.node;

import dev.flashsale.gateway.auth.ApiClient;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.auth.CustomerTokens;
import dev.flashsale.server.config.FlashsaleConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code flashsale token}: signs a customer token with a storefront client's secret, for development and tests. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    header = "Print a customer token signed with a storefront client's secret.",
    description = {
        "Signs the token a storefront back end would give a signed-in shopper (docs/API.md, \"Customer tokens\"),",
        "with the token secret of a client in the node's credentials file. For development and curl."})
public final class TokenCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (properties); see docs/CONFIGURATION.md.")
    private Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory holding credentials.properties (default: journal.data-dir).")
    private Path dataDirectory;

    @Option(names = "--customer", required = true, paramLabel = "ID", description = "The customer id, positive.")
    private long customerId;

    @Option(names = "--client", paramLabel = "ID", defaultValue = "1", description = "The storefront client id (default: ${DEFAULT-VALUE}).")
    private int clientId;

    @Option(names = "--ttl-seconds", paramLabel = "S", defaultValue = "3600", description = "Validity (default: ${DEFAULT-VALUE}).")
    private long ttlSeconds;

    @Override
    public Integer call()
    {
        final FlashsaleConfig config = FlashsaleConfig.load(configFile, System.getenv());
        if (dataDirectory != null)
        {
            config.dataDirectory(dataDirectory);
        }
        if (customerId <= 0 || ttlSeconds <= 0)
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
        spec.commandLine().getOut().println(new CustomerTokens().sign(client, customerId, expires));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
