using System.Buffers.Binary;
using System.Globalization;

namespace Pipeline.Common.Decoding;

/// <summary>
/// Where the field's reference decoder (Pillow) and OpenCV disagree on what an image is, the pipeline follows Pillow or
/// records a failure that names the cause:
/// <list type="bullet">
/// <item>An animated PNG shows its default image (the IDAT image), as Pillow's frame 0 and every non-APNG viewer do; OpenCV
/// would decode the first animation frame, a different picture when the default image is not part of the animation. The
/// animation chunks (acTL, fcTL, fdAT) are dropped before decoding; each chunk carries its own CRC, so the rest stays valid.</item>
/// <item>A GIF whose first frame lies partly outside its logical screen is read by Pillow but not by OpenCV; such a failure
/// says so instead of "corrupt or truncated".</item>
/// </list>
/// </summary>
internal static class DecoderSemantics
{
    /// <summary>The bytes to decode: <paramref name="encoded"/> itself, or an APNG's default image as a plain PNG.</summary>
    public static ReadOnlyMemory<byte>? DefaultImage(ReadOnlySpan<byte> encoded, ImageFormat format)
    {
        if (format != ImageFormat.Png || !HasChunk(encoded, "acTL"u8))
        {
            return null;
        }

        var output = new byte[encoded.Length];
        encoded[..8].CopyTo(output);
        var length = 8;
        foreach (var (start, size, type) in Chunks(encoded))
        {
            if (type is "acTL" or "fcTL" or "fdAT")
            {
                continue;
            }

            encoded.Slice(start, size).CopyTo(output.AsSpan(length));
            length += size;
        }

        return output.AsMemory(0, length);
    }

    /// <summary>Why OpenCV could not decode a GIF Pillow reads, or null: its first frame outside the logical screen.</summary>
    public static string? GifFrameOutsideScreen(ReadOnlySpan<byte> gif)
    {
        if (gif.Length < 13)
        {
            return null;
        }

        int screenWidth = BinaryPrimitives.ReadUInt16LittleEndian(gif[6..]), screenHeight = BinaryPrimitives.ReadUInt16LittleEndian(gif[8..]);
        var position = 13 + ((gif[10] & 0x80) != 0 ? 3 << ((gif[10] & 7) + 1) : 0);
        while (position < gif.Length)
        {
            switch (gif[position])
            {
                case 0x21 when position + 2 < gif.Length:   // extension: label, then sub-blocks
                    position += 2;
                    while (position < gif.Length && gif[position] != 0)
                    {
                        position += gif[position] + 1;
                    }

                    position++;
                    break;
                case 0x2C when position + 9 < gif.Length:   // image descriptor
                    int left = BinaryPrimitives.ReadUInt16LittleEndian(gif[(position + 1)..]), top = BinaryPrimitives.ReadUInt16LittleEndian(gif[(position + 3)..]);
                    int width = BinaryPrimitives.ReadUInt16LittleEndian(gif[(position + 5)..]), height = BinaryPrimitives.ReadUInt16LittleEndian(gif[(position + 7)..]);
                    return left + width > screenWidth || top + height > screenHeight
                        ? string.Create(CultureInfo.InvariantCulture,
                            $"GIF frame {width}×{height} at ({left}, {top}) lies outside its {screenWidth}×{screenHeight} logical screen "
                            + $"(Pillow reads such files, OpenCV does not)")
                        : null;
                default:
                    return null;
            }
        }

        return null;
    }

    private static bool HasChunk(ReadOnlySpan<byte> png, ReadOnlySpan<byte> wanted)
    {
        foreach (var (start, _, _) in Chunks(png))
        {
            if (png.Slice(start + 4, 4).SequenceEqual(wanted))
            {
                return true;
            }
        }

        return false;
    }

    // (offset, total size with length, type and CRC, type) of each whole chunk after the signature; stops at a truncated one.
    private static List<(int Start, int Size, string Type)> Chunks(ReadOnlySpan<byte> png)
    {
        var chunks = new List<(int, int, string)>();
        var position = 8;
        while (position + 12 <= png.Length)
        {
            var dataLength = BinaryPrimitives.ReadUInt32BigEndian(png[position..]);
            if (dataLength > int.MaxValue - 12 || position + 12 + (long)dataLength > png.Length)
            {
                break;
            }

            var size = 12 + (int)dataLength;
            chunks.Add((position, size, System.Text.Encoding.ASCII.GetString(png.Slice(position + 4, 4))));
            position += size;
        }

        return chunks;
    }
}
