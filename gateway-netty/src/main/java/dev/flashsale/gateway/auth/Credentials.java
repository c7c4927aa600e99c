package dev.flashsale.gateway.auth;

import io.netty.util.concurrent.FastThreadLocal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The API clients of a node, from a properties file (docs/API.md, "Authentication"):
 *
 * <pre>
 * client.1.name = storefront
 * client.1.role = storefront
 * client.1.key-sha256 = &lt;hex SHA-256 of the API key&gt;
 * client.1.token-secret = &lt;base64url HMAC key for customer tokens&gt;
 * </pre>
 *
 * API keys are stored only as hashes. On first start the node generates a development storefront
 * client and an admin client, writes the file (owner-only) and prints the keys once.
 */
public final class Credentials
{
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Netty's thread-local: an event loop finds its scratch at an index, not in a map crowded by Chronicle's. */
    private static final FastThreadLocal<KeyScratch> SCRATCH = new FastThreadLocal<>()
    {
        @Override
        protected KeyScratch initialValue()
        {
            return new KeyScratch();
        }
    };

    /**
     * One thread's digest and buffers: a key is hashed in one update, into a reused array. It also
     * remembers the last key that named a client of {@link #owner}, so the next request with the
     * same key (a storefront sends one key on every request) is compared with it in constant time
     * instead of hashed again. Only a valid key is remembered, only in this thread's memory, where
     * every request's key passes anyway.
     */
    private static final class KeyScratch
    {
        final MessageDigest digest = sha256();
        final byte[] key = new byte[MAX_KEY_LENGTH];
        final byte[] hash = new byte[32];
        final byte[] lastKey = new byte[MAX_KEY_LENGTH];
        int lastLength;
        Credentials owner;
        ApiClient lastClient;
    }

    private final List<ApiClient> clients;

    public Credentials(final List<ApiClient> clients)
    {
        this.clients = List.copyOf(clients);
    }

    /** Generated development credentials, in clear, for the one message at first start (and for tests). */
    public record Generated(Credentials credentials, String storefrontKey, String adminKey, String tokenSecret)
    {
        public ApiClient storefront()
        {
            return credentials.clients.get(0);
        }
    }

    public List<ApiClient> clients()
    {
        return clients;
    }

    /** Longest API key looked at; a longer one is refused unhashed. */
    private static final int MAX_KEY_LENGTH = 256;

    /** @return the client whose key this is, or null. Compares hashes in constant time. */
    public ApiClient authenticate(final CharSequence apiKey)
    {
        if (apiKey == null || apiKey.length() == 0 || apiKey.length() > MAX_KEY_LENGTH)
        {
            return null;
        }
        final KeyScratch scratch = SCRATCH.get();
        final int length = apiKey.length();
        for (int i = 0; i < length; i++)
        {
            final char c = apiKey.charAt(i);
            if (c > 0x7E)
            {
                return null;
            }
            scratch.key[i] = (byte)c;
        }
        if (scratch.owner == this && length == scratch.lastLength && sameBytes(scratch.key, scratch.lastKey, length))
        {
            return scratch.lastClient;
        }
        final byte[] hash = scratch.hash;
        try
        {
            final MessageDigest digest = scratch.digest;
            digest.reset();
            digest.update(scratch.key, 0, length);
            digest.digest(hash, 0, hash.length);
        }
        catch (final java.security.DigestException ex)
        {
            throw new IllegalStateException("SHA-256 of an API key", ex);
        }
        ApiClient found = null;
        for (final ApiClient client : clients)
        {
            if (MessageDigest.isEqual(hash, client.keySha256()) && found == null)
            {
                found = client;
            }
        }
        if (found != null)
        {
            System.arraycopy(scratch.key, 0, scratch.lastKey, 0, length);
            scratch.lastLength = length;
            scratch.lastClient = found;
            scratch.owner = this;
        }
        return found;
    }

    /** @return true if the first {@code length} bytes are equal; in time independent of where they differ. */
    private static boolean sameBytes(final byte[] a, final byte[] b, final int length)
    {
        int difference = 0;
        for (int i = 0; i < length; i++)
        {
            difference |= a[i] ^ b[i];
        }
        return difference == 0;
    }

    /** @return the client with this id, or null. */
    public ApiClient client(final int id)
    {
        for (final ApiClient client : clients)
        {
            if (client.id() == id)
            {
                return client;
            }
        }
        return null;
    }

    /** @return fresh development credentials: storefront client 1 and admin client 2. */
    public static Generated generate()
    {
        final String storefrontKey = "fs_sf_" + random(24);
        final String adminKey = "fs_admin_" + random(24);
        final String tokenSecret = random(32);
        final List<ApiClient> clients = List.of(
            new ApiClient(1, "storefront", ApiClient.Role.STOREFRONT, hash(storefrontKey), Base64.getUrlDecoder().decode(tokenSecret)),
            new ApiClient(2, "admin", ApiClient.Role.ADMIN, hash(adminKey), new byte[0]));
        return new Generated(new Credentials(clients), storefrontKey, adminKey, tokenSecret);
    }

    /**
     * Loads the file, or creates it with generated development credentials if it does not exist.
     *
     * @return the generated credentials when the file was created (print them once), else null;
     *     the loaded credentials are in {@code loaded[0]}.
     */
    public static Generated loadOrCreate(final Path file, final Credentials[] loaded)
    {
        if (!Files.exists(file))
        {
            final Generated generated = generate();
            write(file, generated);
            loaded[0] = generated.credentials();
            return generated;
        }
        loaded[0] = load(file);
        return null;
    }

    /** @throws IllegalArgumentException naming the file and the entry at fault. */
    public static Credentials load(final Path file)
    {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            properties.load(reader);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read credentials file " + file + ": " + ex.getMessage(), ex);
        }
        final TreeSet<Integer> ids = new TreeSet<>();
        for (final String key : properties.stringPropertyNames())
        {
            final String[] parts = key.split("\\.");
            if (parts.length != 3 || !parts[0].equals("client") ||
                !List.of("name", "role", "key-sha256", "token-secret").contains(parts[2]))
            {
                throw new IllegalArgumentException(file + ": unknown entry " + key);
            }
            try
            {
                final int id = Integer.parseInt(parts[1]);
                if (id <= 0)
                {
                    throw new NumberFormatException();
                }
                ids.add(id);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(file + ": " + key + ": the client id must be a positive integer", ex);
            }
        }
        final List<ApiClient> clients = new ArrayList<>();
        for (final int id : ids)
        {
            final String prefix = "client." + id + ".";
            final String name = properties.getProperty(prefix + "name", "client-" + id).trim();
            final String roleText = required(properties, file, prefix + "role");
            final ApiClient.Role role;
            try
            {
                role = ApiClient.Role.valueOf(roleText.toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(file + ": " + prefix + "role must be storefront or admin: " + roleText, ex);
            }
            final String keyHashText = required(properties, file, prefix + "key-sha256");
            final byte[] keyHash;
            try
            {
                keyHash = HexFormat.of().parseHex(keyHashText);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(file + ": " + prefix + "key-sha256 must be 64 hex digits", ex);
            }
            if (keyHash.length != 32)
            {
                throw new IllegalArgumentException(file + ": " + prefix + "key-sha256 must be 64 hex digits");
            }
            byte[] secret = new byte[0];
            if (role == ApiClient.Role.STOREFRONT)
            {
                final String secretText = required(properties, file, prefix + "token-secret");
                try
                {
                    secret = Base64.getUrlDecoder().decode(secretText);
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new IllegalArgumentException(file + ": " + prefix + "token-secret must be base64url", ex);
                }
                if (secret.length < 16)
                {
                    throw new IllegalArgumentException(file + ": " + prefix + "token-secret must be at least 16 bytes");
                }
            }
            clients.add(new ApiClient(id, name, role, keyHash, secret));
        }
        if (clients.isEmpty())
        {
            throw new IllegalArgumentException(file + ": no clients");
        }
        return new Credentials(clients);
    }

    /** @return the SHA-256 of an API key, as stored in the file. */
    public static byte[] hash(final String apiKey)
    {
        return sha256().digest(apiKey.getBytes(StandardCharsets.US_ASCII));
    }

    private static void write(final Path file, final Generated generated)
    {
        final StringBuilder text = new StringBuilder()
            .append("# flashsale API clients (docs/API.md, \"Authentication\"). API keys are stored as SHA-256 only.\n");
        for (final ApiClient client : generated.credentials().clients())
        {
            final String prefix = "client." + client.id() + ".";
            text.append(prefix).append("name = ").append(client.name()).append('\n')
                .append(prefix).append("role = ").append(client.role().name().toLowerCase(Locale.ROOT)).append('\n')
                .append(prefix).append("key-sha256 = ").append(HexFormat.of().formatHex(client.keySha256())).append('\n');
            if (client.tokenSecret().length > 0)
            {
                text.append(prefix).append("token-secret = ")
                    .append(Base64.getUrlEncoder().withoutPadding().encodeToString(client.tokenSecret())).append('\n');
            }
        }
        try
        {
            final Path directory = file.toAbsolutePath().getParent();
            try
            {
                // the data directory, on a first start: owner-only, as the node keeps it
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            catch (final UnsupportedOperationException ex)
            {
                Files.createDirectories(directory);
                Files.createFile(file);
            }
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING))
            {
                writer.write(text.toString());
            }
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new IllegalStateException("credentials file " + file + " appeared while being created", ex);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot write credentials file " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static String required(final Properties properties, final Path file, final String key)
    {
        final String value = properties.getProperty(key);
        if (value == null || value.isBlank())
        {
            throw new IllegalArgumentException(file + ": " + key + " is missing");
        }
        return value.trim();
    }

    private static String random(final int bytes)
    {
        final byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    private static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
