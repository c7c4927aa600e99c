package dev.flashsale.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;

/**
 * One JSON document at a time, written by Jackson's generator (escaping, UTF-8, structure) into
 * an array of this writer's, then copied once into a buffer of exactly its size: a byte at a time
 * into a pooled buffer (bounds, capacity and reference-count checks on each) cost a quarter of an
 * event loop's time. Adds what Jackson leaves to us: epoch-ms times as ISO-8601 strings and ids as
 * strings, both without building a String. One per thread; not thread-safe.
 */
public final class JsonDocument
{
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final Sink sink = new Sink();
    private char[] chars = new char[64];
    private JsonGenerator generator;

    /** What a document holds: written by the generator of {@link #render}. */
    @FunctionalInterface
    public interface Body
    {
        void write(JsonGenerator generator) throws IOException;
    }

    /** @return the document {@code body} writes, in a buffer of {@code alloc}. */
    public ByteBuf render(final ByteBufAllocator alloc, final Body body)
    {
        try
        {
            body.write(start());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return finish(alloc);
    }

    /** @return the generator of a new document, valid until {@link #finish}. */
    public JsonGenerator start()
    {
        sink.size = 0;
        try
        {
            generator = FACTORY.createGenerator(sink);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return generator;
    }

    /** @return the document, complete, in a buffer of {@code alloc}. */
    public ByteBuf finish(final ByteBufAllocator alloc)
    {
        try
        {
            generator.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        generator = null;
        final ByteBuf body = alloc.buffer(sink.size);
        body.writeBytes(sink.bytes, 0, sink.size);
        return body;
    }

    /** Writes the field {@code name}: epoch ms as an ISO-8601 UTC string, exactly as {@link Instant#toString()}. */
    public void time(final String name, final long epochMs) throws IOException
    {
        generator.writeFieldName(name);
        final int length = IsoTime.format(epochMs, chars);
        if (length < 0)
        {
            generator.writeString(Instant.ofEpochMilli(epochMs).toString()); // signs and wide years: the JDK's rules
            return;
        }
        generator.writeString(chars, 0, length);
    }

    /** Writes the field {@code name}: a decimal id as a string (ids exceed what JSON numbers carry exactly). */
    public void id(final String name, final long id) throws IOException
    {
        generator.writeFieldName(name);
        final int position = JsonBytes.decimal(id, chars);
        generator.writeString(chars, position, chars.length - position);
    }

    /** Writes the field {@code name}: a string held in a builder, without making a String of it. */
    public void string(final String name, final CharSequence value) throws IOException
    {
        generator.writeFieldName(name);
        final int length = value.length();
        if (length > chars.length)
        {
            chars = new char[Math.max(length, 2 * chars.length)];
        }
        for (int i = 0; i < length; i++)
        {
            chars[i] = value.charAt(i);
        }
        generator.writeString(chars, 0, length);
    }

    /** The document's bytes: a growable array. */
    private static final class Sink extends OutputStream
    {
        private byte[] bytes = new byte[1024];
        private int size;

        @Override
        public void write(final int b)
        {
            ensure(1);
            bytes[size++] = (byte)b;
        }

        @Override
        public void write(final byte[] b, final int offset, final int length)
        {
            ensure(length);
            System.arraycopy(b, offset, bytes, size, length);
            size += length;
        }

        private void ensure(final int more)
        {
            if (size + more > bytes.length)
            {
                bytes = Arrays.copyOf(bytes, Math.max(size + more, 2 * bytes.length));
            }
        }
    }
}
