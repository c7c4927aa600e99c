package dev.flashsale.server.node;

import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.auth.CustomerTokens;
import dev.flashsale.server.config.FlashsaleConfig;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node started as {@code flashsale run} starts it, on a data directory that does not exist yet:
 * the credentials, the journals, the snapshots and the read stores (customer ids, payment
 * references, profiles) end up where only the node's user can reach them, and a new directory
 * needs no tightening (no warning).
 */
@Timeout(60)
class DataDirectoryPrivacyTest
{
    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aFreshDataDirectoryIsTheNodeUsersAlone() throws Exception
    {
        final Path data = work.resolve("shop").resolve("data");
        final FlashsaleConfig config = FlashsaleConfig.load(null, Map.of(
            "FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "1000", "FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "1000",
            "FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "1000", "FLASHSALE_ENGINE_MAX_SKUS", "100", "FLASHSALE_READ_CUSTOMERS", "1000",
            "FLASHSALE_JOURNAL_SNAPSHOT_EVERY_INPUTS", "1", "FLASHSALE_GATEWAY_BIND_ADDRESS", "127.0.0.1",
            "FLASHSALE_GATEWAY_PORT", "0"));
        config.dataDirectory(data);
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8)); // slf4j-simple writes to the current System.err
        try
        {
            final Credentials[] credentials = new Credentials[1];
            final Credentials.Generated generated = Credentials.loadOrCreate(config.credentialsFile(), credentials);
            try (GatewayNode node = GatewayNode.start(config, credentials[0], new SystemEpochClock(), List.of()))
            {
                final int port = node.gateway().port();
                assertThat(send(port, "/v1/admin/skus/TEE", generated.adminKey(), null, "PUT",
                    "{\"totalStock\":5,\"perCustomerLimit\":5,\"priceMinor\":1999,\"currency\":\"EUR\"}").statusCode()).isEqualTo(200);
                final String token = new CustomerTokens().sign(generated.storefront(), 42, System.currentTimeMillis() / 1000 + 600);
                assertThat(send(port, "/v1/checkouts", generated.storefrontKey(), token, "POST",
                    "{\"customerId\":42,\"lines\":[{\"sku\":\"TEE\",\"qty\":1}]}").statusCode()).isEqualTo(201);
                final long deadline = System.nanoTime() + 10_000_000_000L;
                while (!send(port, "/v1/me/orders", generated.storefrontKey(), token, "GET", null).body().contains("HELD") ||
                    new dev.flashsale.journal.SnapshotStore(data.resolve("snapshots")).list().isEmpty())
                {
                    assertThat(System.nanoTime()).as("the order reaches the read side, a snapshot is written").isLessThan(deadline);
                    Thread.sleep(20);
                }
                assertPrivate(data); // while it runs: the lock and the stores' open markers are there
                for (final Path directory : List.of(data, data.resolve("inputs"), data.resolve("events"), data.resolve("snapshots"),
                    data.resolve("read")))
                {
                    assertThat(mode(directory)).as("%s", directory).isEqualTo("rwx------");
                }
                try (Stream<Path> snapshots = Files.list(data.resolve("snapshots")))
                {
                    for (final Path written : Stream.concat(snapshots, Stream.of(config.credentialsFile(),
                        data.resolve("flashsale-journal.properties"), data.resolve("node.lock"), data.resolve("inputs.watermark"),
                        data.resolve("events.watermark"), data.resolve("read").resolve("orders.cmap.open"))).toList())
                    {
                        final String mode;
                        try
                        {
                            mode = mode(written);
                        }
                        catch (final NoSuchFileException gone)
                        {
                            if (written.getParent().equals(data.resolve("snapshots")))
                            {
                                continue; // a snapshot's temporary file, renamed since the listing
                            }
                            throw gone;
                        }
                        assertThat(mode).as("%s", written).isEqualTo("rw-------");
                    }
                }
            }
        }
        finally
        {
            System.setErr(original);
        }
        assertPrivate(data);
        assertThat(err.toString(StandardCharsets.UTF_8)).as("a new directory needs no tightening").doesNotContain("made it rwx------");
    }

    /**
     * Every file and directory under {@code root}: another user cannot reach it. A running node may
     * rename or remove a file between the walk and its check (a snapshot's temporary file becoming the
     * snapshot): such a file is gone, and what it became is checked if the walk saw it.
     */
    private static void assertPrivate(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.toList())
            {
                final String mode;
                final boolean reachable;
                try
                {
                    mode = mode(path);
                    reachable = reachableByOthers(root, path);
                }
                catch (final NoSuchFileException gone)
                {
                    continue;
                }
                assertThat(reachable).as("%s (%s) is out of other users' reach", path, mode).isFalse();
            }
        }
    }

    /** @return true if a user other than the owner (in its group or not) can get at {@code path}'s contents. */
    private static boolean reachableByOthers(final Path root, final Path path) throws IOException
    {
        for (Path directory = path.getParent(); directory != null && directory.startsWith(root); directory = directory.getParent())
        {
            final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(directory);
            if (!mode.contains(PosixFilePermission.GROUP_EXECUTE) && !mode.contains(PosixFilePermission.OTHERS_EXECUTE))
            {
                return false;
            }
        }
        final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
        return mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ) ||
            mode.contains(PosixFilePermission.GROUP_EXECUTE) || mode.contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    private static String mode(final Path path) throws IOException
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private HttpResponse<String> send(final int port, final String path, final String key, final String token, final String method,
        final String body) throws IOException, InterruptedException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json").header("X-Api-Key", key)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null)
        {
            request.header("X-Customer-Token", token);
        }
        if (method.equals("POST"))
        {
            request.header("Idempotency-Key", "privacy-" + System.nanoTime());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
