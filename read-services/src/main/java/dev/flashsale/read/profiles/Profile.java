package dev.flashsale.read.profiles;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A customer's profile: owned by the read services, written only by the customer themselves.
 *
 * @param email an address of the usual shape (local@domain.tld), at most 254 characters.
 */
public record Profile(String name, String email, List<Address> addresses)
{
    public static final int MAX_ADDRESSES = 5;
    private static final Pattern EMAIL = Pattern.compile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(\\.[A-Za-z0-9-]{1,63})+$");

    /** A postal address. @param country ISO 3166-1 alpha-2, upper case. */
    public record Address(String line1, String line2, String city, String postalCode, String country)
    {
        private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

        /** @throws IllegalArgumentException naming the field at fault. */
        public Address
        {
            require(line1 != null && !line1.isBlank() && line1.length() <= 200, "addresses[].line1 must be 1..200 characters");
            line2 = line2 == null ? "" : line2;
            require(line2.length() <= 200, "addresses[].line2 must be at most 200 characters");
            require(city != null && !city.isBlank() && city.length() <= 100, "addresses[].city must be 1..100 characters");
            require(postalCode != null && !postalCode.isBlank() && postalCode.length() <= 20,
                "addresses[].postalCode must be 1..20 characters");
            require(country != null && COUNTRY.matcher(country).matches(), "addresses[].country must be an ISO 3166 code such as DE");
        }
    }

    /** @throws IllegalArgumentException naming the field at fault. */
    public Profile
    {
        require(name != null && !name.isBlank() && name.length() <= 100, "name must be 1..100 characters");
        require(email != null && email.length() <= 254 && EMAIL.matcher(email).matches(), "email must be an e-mail address");
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        require(addresses.size() <= MAX_ADDRESSES, "at most " + MAX_ADDRESSES + " addresses");
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }
}
