package dev.flashsale.read.catalog;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Products as bytes in the catalog store: a version byte, then the fields in order (modified UTF-8 strings). */
final class ProductCodec
{
    private static final int VERSION = 1;

    private ProductCodec()
    {
    }

    static byte[] encode(final Product product)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeByte(VERSION);
            out.writeUTF(product.sku());
            out.writeUTF(product.title());
            out.writeUTF(product.description());
            out.writeUTF(product.brand());
            out.writeUTF(product.category());
            final Map<String, String> attributes = new TreeMap<>(product.attributes()); // one order, one encoding
            out.writeByte(attributes.size());
            for (final Map.Entry<String, String> attribute : attributes.entrySet())
            {
                out.writeUTF(attribute.getKey());
                out.writeUTF(attribute.getValue());
            }
            out.writeByte(product.imageUrls().size());
            for (final String url : product.imageUrls())
            {
                out.writeUTF(url);
            }
            out.writeLong(product.displayPriceMinor());
            out.writeUTF(product.currency());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    static Product decode(final byte[] bytes)
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes)))
        {
            final int version = in.readUnsignedByte();
            if (version != VERSION)
            {
                throw new IllegalStateException("catalog record of version " + version + ", this build reads " + VERSION);
            }
            final String sku = in.readUTF();
            final String title = in.readUTF();
            final String description = in.readUTF();
            final String brand = in.readUTF();
            final String category = in.readUTF();
            final Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = in.readUnsignedByte(); i > 0; i--)
            {
                attributes.put(in.readUTF(), in.readUTF());
            }
            final List<String> images = new ArrayList<>();
            for (int i = in.readUnsignedByte(); i > 0; i--)
            {
                images.add(in.readUTF());
            }
            return new Product(sku, title, description, brand, category, attributes, images, in.readLong(), in.readUTF());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("a damaged catalog record: " + ex.getMessage(), ex);
        }
    }
}
