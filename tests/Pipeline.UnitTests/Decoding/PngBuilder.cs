using System.Buffers.Binary;
using System.IO.Compression;

namespace Pipeline.UnitTests.Decoding;

/// <summary>Hand-assembled PNGs, for what OpenCV will not encode (palettes) or must never decode (bombs).</summary>
internal static class PngBuilder
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Signature + IHDR + IDAT + IEND with correct CRCs.</summary>
    public static byte[] Build(int width, int height, byte bitDepth, byte colorType, byte[] idat, byte[]? palette = null, byte[]? transparency = null)
    {
        using var png = new MemoryStream();
        png.Write(Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        WriteChunk(png, "IHDR", ihdr);
        if (palette is not null)
        {
            WriteChunk(png, "PLTE", palette);
        }

        if (transparency is not null)
        {
            WriteChunk(png, "tRNS", transparency);
        }

        WriteChunk(png, "IDAT", idat);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>8-bit palette image: <paramref name="indices"/> are rows of palette indices, <paramref name="palette"/> RGB triples.</summary>
    public static byte[] Palette(byte[][] indices, byte[] palette, byte[]? transparency = null)
    {
        using var raw = new MemoryStream();
        foreach (var row in indices)
        {
            raw.WriteByte(0); // filter type None
            raw.Write(row);
        }

        return Build(indices[0].Length, indices.Length, 8, 3, Deflate(raw.ToArray()), palette, transparency);
    }

    /// <summary>
    /// An APNG whose default image (IDAT, one colour) is not part of its one-frame animation (fcTL after IDAT, another
    /// colour): Pillow shows the default image, a decoder that plays the animation the frame.
    /// </summary>
    public static byte[] AnimatedWithSeparateDefault(int side, byte[] defaultRgb, byte[] frameRgb)
    {
        using var png = new MemoryStream();
        png.Write(Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, side);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), side);
        ihdr[8] = 8;
        ihdr[9] = 2; // RGB
        WriteChunk(png, "IHDR", ihdr);
        var actl = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(actl, 1);   // num_frames
        WriteChunk(png, "acTL", actl);
        WriteChunk(png, "IDAT", Deflate(Solid(side, defaultRgb)));
        var fctl = new byte[26];
        BinaryPrimitives.WriteInt32BigEndian(fctl, 0);   // sequence number
        BinaryPrimitives.WriteInt32BigEndian(fctl.AsSpan(4), side);
        BinaryPrimitives.WriteInt32BigEndian(fctl.AsSpan(8), side);
        BinaryPrimitives.WriteInt16BigEndian(fctl.AsSpan(20), 1);   // delay 1/100 s
        BinaryPrimitives.WriteInt16BigEndian(fctl.AsSpan(22), 100);
        WriteChunk(png, "fcTL", fctl);
        var frame = Deflate(Solid(side, frameRgb));
        var fdat = new byte[4 + frame.Length];
        BinaryPrimitives.WriteInt32BigEndian(fdat, 1);
        frame.CopyTo(fdat, 4);
        WriteChunk(png, "fdAT", fdat);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Solid(int side, byte[] rgb)
    {
        using var raw = new MemoryStream();
        for (var y = 0; y < side; y++)
        {
            raw.WriteByte(0);
            for (var x = 0; x < side; x++)
            {
                raw.Write(rgb);
            }
        }

        return raw.ToArray();
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typeAndData = new byte[4 + data.Length];
        for (var i = 0; i < 4; i++)
        {
            typeAndData[i] = (byte)type[i];
        }

        data.CopyTo(typeAndData, 4);
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        png.Write(word);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
