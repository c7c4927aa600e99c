package dev.flashsale.gateway.auth;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CustomerTokensTest
{
    private final CustomerTokens tokens = new CustomerTokens();
    private final Credentials.Generated generated = Credentials.generate();
    private final ApiClient client = generated.storefront();

    @Test
    void verifiesWhatItSignsUntilItExpires()
    {
        final String token = tokens.sign(client, 42, 2_000);
        assertThat(tokens.verify(client, token, 1_999)).isEqualTo(42);
        assertThat(tokens.verify(client, token, 2_000)).isEqualTo(CustomerTokens.INVALID);
    }

    @Test
    void keepsEachClientsKeyApartWhenClientsAlternate()
    {
        final ApiClient other = Credentials.generate().storefront();
        final String mine = tokens.sign(client, 42, 2_000);
        final String theirs = tokens.sign(other, 42, 2_000);
        for (int i = 0; i < 3; i++)
        {
            assertThat(tokens.verify(client, mine, 1_000)).isEqualTo(42);
            assertThat(tokens.verify(client, mine, 1_000)).as("the same client twice: the key kept").isEqualTo(42);
            assertThat(tokens.verify(other, mine, 1_000)).isEqualTo(CustomerTokens.INVALID);
            assertThat(tokens.verify(other, theirs, 1_000)).isEqualTo(42);
            assertThat(tokens.verify(client, theirs, 1_000)).isEqualTo(CustomerTokens.INVALID);
        }
    }

    @Test
    void refusesForgedAlteredAndForeignTokens()
    {
        final String token = tokens.sign(client, 42, 2_000);
        final String otherCustomer = "43" + token.substring(2);
        assertThat(tokens.verify(client, otherCustomer, 1_000)).isEqualTo(CustomerTokens.INVALID);
        final String longer = token.replace(".2000.", ".9000.");
        assertThat(tokens.verify(client, longer, 1_000)).isEqualTo(CustomerTokens.INVALID);
        final char last = token.charAt(token.length() - 2);
        final String flipped = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertThat(tokens.verify(client, flipped, 1_000)).isEqualTo(CustomerTokens.INVALID);
        final ApiClient other = Credentials.generate().storefront();
        assertThat(tokens.verify(other, token, 1_000)).isEqualTo(CustomerTokens.INVALID);
        final ApiClient sameSecretOtherId = new ApiClient(9, "x", ApiClient.Role.STOREFRONT, client.keySha256(), client.tokenSecret());
        assertThat(tokens.verify(sameSecretOtherId, token, 1_000)).isEqualTo(CustomerTokens.INVALID);
        for (final String garbage : new String[] {"", ".", "..", "42..", "x.y.z", "42.2000.", "-1.2000." + token.substring(token.lastIndexOf('.') + 1),
            token + "A", "42.2000." + "!".repeat(43)})
        {
            assertThat(tokens.verify(client, garbage, 1_000)).as(garbage).isEqualTo(CustomerTokens.INVALID);
        }
        assertThat(tokens.verify(client, null, 1_000)).isEqualTo(CustomerTokens.INVALID);
    }

    @Test
    void credentialsRoundTripThroughTheFileWithKeysOnlyHashed(@org.junit.jupiter.api.io.TempDir final Path directory) throws Exception
    {
        final Path file = directory.resolve("credentials.properties");
        final Credentials[] loaded = new Credentials[1];
        final Credentials.Generated created = Credentials.loadOrCreate(file, loaded);
        assertThat(created).isNotNull();
        final String text = Files.readString(file);
        assertThat(text).doesNotContain(created.storefrontKey()).doesNotContain(created.adminKey());
        assertThat(loaded[0].authenticate(created.storefrontKey()).role()).isEqualTo(ApiClient.Role.STOREFRONT);

        final Credentials[] again = new Credentials[1];
        assertThat(Credentials.loadOrCreate(file, again)).isNull();
        assertThat(again[0].authenticate(created.adminKey()).role()).isEqualTo(ApiClient.Role.ADMIN);
        assertThat(again[0].authenticate(created.storefrontKey() + "x")).isNull();
        assertThat(again[0].authenticate("")).isNull();
        assertThat(again[0].authenticate(created.storefrontKey() + "\u00e9")).as("refused half-way").isNull();
        assertThat(again[0].authenticate(created.storefrontKey()).role()).as("nothing left from the refused key")
            .isEqualTo(ApiClient.Role.STOREFRONT);
        assertThat(again[0].authenticate("k".repeat(256))).isNull();
        assertThat(again[0].authenticate("k".repeat(257))).isNull();
        final String token = tokens.sign(again[0].client(1), 7, 5_000);
        assertThat(tokens.verify(created.storefront(), token, 1)).isEqualTo(7);
    }

    @Test
    void refusesABrokenCredentialsFile(@org.junit.jupiter.api.io.TempDir final Path directory) throws Exception
    {
        final Path file = directory.resolve("c.properties");
        Files.writeString(file, "client.1.role = storefront\nclient.1.key-sha256 = abc\n");
        assertThatThrownBy(() -> Credentials.load(file)).hasMessageContaining("client.1.key-sha256");
        Files.writeString(file, "client.x.role = admin\n");
        assertThatThrownBy(() -> Credentials.load(file)).hasMessageContaining("positive integer");
        Files.writeString(file, "client.1.role = king\nclient.1.key-sha256 = " + "0".repeat(64) + "\n");
        assertThatThrownBy(() -> Credentials.load(file)).hasMessageContaining("storefront or admin");
        Files.writeString(file, "client.1.role = storefront\nclient.1.key-sha256 = " + "0".repeat(64) + "\n");
        assertThatThrownBy(() -> Credentials.load(file)).hasMessageContaining("token-secret is missing");
        Files.writeString(file, "clients.1.role = admin\n");
        assertThatThrownBy(() -> Credentials.load(file)).hasMessageContaining("unknown entry");
    }
}
