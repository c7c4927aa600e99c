package dev.flashsale.gateway.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The key a thread remembers saves a hash, and never lets in a key the hash would refuse. */
class CredentialsTest
{
    @Test
    void theRememberedKeyNamesItsClientAndNoOtherKeyPassesOnIt()
    {
        final Credentials.Generated generated = Credentials.generate();
        final Credentials credentials = generated.credentials();
        final String key = generated.storefrontKey();
        assertThat(credentials.authenticate(key).role()).isEqualTo(ApiClient.Role.STOREFRONT);
        assertThat(credentials.authenticate(key).role()).as("again, remembered").isEqualTo(ApiClient.Role.STOREFRONT);
        assertThat(credentials.authenticate(new StringBuilder(key))).as("any CharSequence of it")
            .isSameAs(credentials.authenticate(key));
        final char last = key.charAt(key.length() - 1);
        assertThat(credentials.authenticate(key.substring(0, key.length() - 1) + (char)(last == 'x' ? 'y' : 'x'))).isNull();
        assertThat(credentials.authenticate(key.substring(0, key.length() - 1))).as("a prefix").isNull();
        assertThat(credentials.authenticate(key + "x")).as("longer").isNull();
        assertThat(credentials.authenticate(generated.adminKey()).role()).as("another client's key")
            .isEqualTo(ApiClient.Role.ADMIN);
        assertThat(credentials.authenticate(key).role()).isEqualTo(ApiClient.Role.STOREFRONT);
    }

    @Test
    void aKeyRememberedForOneSetOfCredentialsIsCheckedAgainstAnother()
    {
        final Credentials.Generated first = Credentials.generate();
        final Credentials.Generated second = Credentials.generate();
        assertThat(first.credentials().authenticate(first.storefrontKey())).isNotNull();
        assertThat(second.credentials().authenticate(first.storefrontKey())).isNull();
        assertThat(second.credentials().authenticate(second.storefrontKey())).isNotNull();
        assertThat(first.credentials().authenticate(second.storefrontKey())).isNull();
    }

    @Test
    void eachThreadRemembersItsOwnKey() throws InterruptedException
    {
        final Credentials.Generated generated = Credentials.generate();
        assertThat(generated.credentials().authenticate(generated.storefrontKey())).isNotNull();
        final ApiClient[] seen = new ApiClient[2];
        final Thread other = new Thread(() ->
        {
            seen[0] = generated.credentials().authenticate(generated.adminKey());
            seen[1] = generated.credentials().authenticate(generated.storefrontKey() + "x");
        });
        other.start();
        other.join();
        assertThat(seen[0].role()).isEqualTo(ApiClient.Role.ADMIN);
        assertThat(seen[1]).isNull();
        assertThat(generated.credentials().authenticate(generated.storefrontKey()).role()).isEqualTo(ApiClient.Role.STOREFRONT);
    }
}
