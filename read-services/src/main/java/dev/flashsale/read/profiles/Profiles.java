package dev.flashsale.read.profiles;

import dev.flashsale.read.store.PersistedMap;
import net.openhft.chronicle.map.ChronicleMap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Customers' profiles in a persisted Chronicle Map, by customer id. Thread-safe. */
public final class Profiles implements AutoCloseable
{
    private static final int VERSION = 1;

    private final PersistedMap<Long, byte[]> store;

    private Profiles(final PersistedMap<Long, byte[]> store)
    {
        this.store = store;
    }

    /** Opens (or creates) the store, sized for {@code customers} profiles. */
    public static Profiles open(final Path file, final long customers)
    {
        return new Profiles(PersistedMap.open(ChronicleMap.of(Long.class, byte[].class).name("profiles").entries(customers)
            .averageValueSize(300).maxBloatFactor(4.0), file));
    }

    /** @return the profile, or null. */
    public Profile get(final long customerId)
    {
        final byte[] bytes = store.map().get(customerId);
        return bytes == null ? null : decode(bytes);
    }

    public void put(final long customerId, final Profile profile)
    {
        if (customerId <= 0)
        {
            throw new IllegalArgumentException("customer ids are positive: " + customerId);
        }
        store.map().put(customerId, encode(profile));
    }

    @Override
    public void close()
    {
        store.close();
    }

    private static byte[] encode(final Profile profile)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeByte(VERSION);
            out.writeUTF(profile.name());
            out.writeUTF(profile.email());
            out.writeByte(profile.addresses().size());
            for (final Profile.Address address : profile.addresses())
            {
                out.writeUTF(address.line1());
                out.writeUTF(address.line2());
                out.writeUTF(address.city());
                out.writeUTF(address.postalCode());
                out.writeUTF(address.country());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    private static Profile decode(final byte[] bytes)
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes)))
        {
            final int version = in.readUnsignedByte();
            if (version != VERSION)
            {
                throw new IllegalStateException("profile record of version " + version + ", this build reads " + VERSION);
            }
            final String name = in.readUTF();
            final String email = in.readUTF();
            final List<Profile.Address> addresses = new ArrayList<>();
            for (int i = in.readUnsignedByte(); i > 0; i--)
            {
                addresses.add(new Profile.Address(in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF()));
            }
            return new Profile(name, email, addresses);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("a damaged profile record: " + ex.getMessage(), ex);
        }
    }
}
