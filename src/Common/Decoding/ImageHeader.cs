using System.Buffers.Binary;

namespace Pipeline.Common.Decoding;

/// <summary>
/// Reads an image's format and declared dimensions from its first bytes, without decoding: needed to refuse
/// decompression bombs and to pick a reduced JPEG decode before any pixel is allocated.
/// </summary>
public static class ImageHeader
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Sniffs JPEG (SOFn), PNG (IHDR), GIF (logical screen), BMP, WebP (VP8, VP8L, VP8X) and TIFF (first IFD).
    /// Dimensions are as stored, before any EXIF rotation.
    /// </summary>
    /// <returns>
    /// False when the format is unknown, the header is truncated or a dimension is not positive; <paramref name="format"/>
    /// then still names a recognised signature, or is <see cref="ImageFormat.Unknown"/>.
    /// </returns>
    public static bool TryRead(ReadOnlySpan<byte> data, out int width, out int height, out ImageFormat format)
    {
        format = Sniff(data);
        (width, height) = format switch
        {
            ImageFormat.Jpeg => ReadJpeg(data),
            ImageFormat.Png => ReadPng(data),
            ImageFormat.Gif => (BinaryPrimitives.ReadUInt16LittleEndian(data[6..]), BinaryPrimitives.ReadUInt16LittleEndian(data[8..])),
            ImageFormat.Bmp => ReadBmp(data),
            ImageFormat.WebP => ReadWebP(data),
            ImageFormat.Tiff => ReadTiff(data),
            _ => (0, 0),
        };
        if (width > 0 && height > 0)
        {
            return true;
        }

        width = height = 0;
        return false;
    }

    private static ImageFormat Sniff(ReadOnlySpan<byte> d)
    {
        if (d.Length >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (d.Length >= 24 && d.StartsWith(PngSignature) && d[12..16].SequenceEqual("IHDR"u8))
        {
            return ImageFormat.Png;
        }

        if (d.Length >= 10 && (d.StartsWith("GIF87a"u8) || d.StartsWith("GIF89a"u8)))
        {
            return ImageFormat.Gif;
        }

        if (d.Length >= 26 && d.StartsWith("BM"u8))
        {
            return ImageFormat.Bmp;
        }

        if (d.Length >= 30 && d.StartsWith("RIFF"u8) && d[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        if (d.Length >= 8 && (d.StartsWith("II*\0"u8) || d.StartsWith("MM\0*"u8)))
        {
            return ImageFormat.Tiff;
        }

        return ImageFormat.Unknown;
    }

    private static (int Width, int Height) ReadPng(ReadOnlySpan<byte> d)
    {
        // Widths are unsigned 31-bit; anything with the top bit set is invalid and would read negative.
        return (BinaryPrimitives.ReadInt32BigEndian(d[16..]), BinaryPrimitives.ReadInt32BigEndian(d[20..]));
    }

    private static (int Width, int Height) ReadJpeg(ReadOnlySpan<byte> d)
    {
        var i = 2;
        while (i + 4 <= d.Length)
        {
            if (d[i] != 0xFF)
            {
                return (0, 0);
            }

            var marker = d[i + 1];
            if (marker == 0xFF)
            {
                i++; // fill byte before a marker
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2; // standalone markers carry no length
                continue;
            }

            if (marker is 0xD9 or 0xDA)
            {
                return (0, 0); // end of image or start of scan before any frame header
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(d[(i + 2)..]);
            var isFrameHeader = marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);
            if (isFrameHeader)
            {
                // SOFn: length(2) precision(1) height(2) width(2); height 0 (defined later by DNL) is refused.
                return i + 9 <= d.Length
                    ? (BinaryPrimitives.ReadUInt16BigEndian(d[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(d[(i + 5)..]))
                    : (0, 0);
            }

            i += 2 + length;
        }

        return (0, 0);
    }

    private static (int Width, int Height) ReadBmp(ReadOnlySpan<byte> d)
    {
        var dibSize = BinaryPrimitives.ReadUInt32LittleEndian(d[14..]);
        if (dibSize == 12)
        {
            // OS/2 BITMAPCOREHEADER: 16-bit dimensions.
            return (BinaryPrimitives.ReadUInt16LittleEndian(d[18..]), BinaryPrimitives.ReadUInt16LittleEndian(d[20..]));
        }

        // A negative height means top-down rows, not a negative size.
        var height = BinaryPrimitives.ReadInt32LittleEndian(d[22..]);
        return (BinaryPrimitives.ReadInt32LittleEndian(d[18..]), height == int.MinValue ? 0 : Math.Abs(height));
    }

    private static (int Width, int Height) ReadWebP(ReadOnlySpan<byte> d)
    {
        var chunk = d[12..16];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Key frame: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height (2 scale bits).
            return d[23] == 0x9D && d[24] == 0x01 && d[25] == 0x2A
                ? (BinaryPrimitives.ReadUInt16LittleEndian(d[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(d[28..]) & 0x3FFF)
                : (0, 0);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            if (d[20] != 0x2F)
            {
                return (0, 0);
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(d[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            // Canvas size minus one, 24-bit little endian, after 4 bytes of flags.
            return (ReadUInt24LittleEndian(d[24..]) + 1, ReadUInt24LittleEndian(d[27..]) + 1);
        }

        return (0, 0);
    }

    private static int ReadUInt24LittleEndian(ReadOnlySpan<byte> d) => d[0] | (d[1] << 8) | (d[2] << 16);

    private static (int Width, int Height) ReadTiff(ReadOnlySpan<byte> d)
    {
        var little = d[0] == (byte)'I';
        var ifd = ReadUInt32(d[4..], little);
        if (ifd > (uint)(d.Length - 2))
        {
            return (0, 0);
        }

        var count = ReadUInt16(d[(int)ifd..], little);
        int width = 0, height = 0;
        for (var n = 0; n < count; n++)
        {
            var entry = (int)ifd + 2 + (n * 12);
            if (entry + 12 > d.Length)
            {
                return (0, 0);
            }

            var tag = ReadUInt16(d[entry..], little);
            var type = ReadUInt16(d[(entry + 2)..], little);
            // SHORT values sit left-justified in the 4-byte value field; LONG fill it.
            var value = type switch
            {
                3 => ReadUInt16(d[(entry + 8)..], little),
                4 => ReadUInt32(d[(entry + 8)..], little),
                _ => 0u,
            };
            var clamped = (int)Math.Min(value, int.MaxValue);
            if (tag == 256)
            {
                width = clamped;
            }
            else if (tag == 257)
            {
                height = clamped;
            }
        }

        return (width, height);
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> d, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(d) : BinaryPrimitives.ReadUInt16BigEndian(d);

    private static uint ReadUInt32(ReadOnlySpan<byte> d, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(d) : BinaryPrimitives.ReadUInt32BigEndian(d);
}
