namespace Pipeline.UnitTests.Decoding;

/// <summary>Adds a minimal EXIF APP1 segment (IFD0 with only the Orientation tag) to a JPEG.</summary>
internal static class ExifJpeg
{
    public static byte[] WithOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] exif =
        [
            (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            // TIFF header, little endian, IFD0 at offset 8.
            (byte)'I', (byte)'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,
            // One entry: tag 0x0112 Orientation, type SHORT (3), count 1, value; then no next IFD.
            0x01, 0x00,
            0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, (byte)orientation, (byte)(orientation >> 8), 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        var length = exif.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. exif];
        // Straight after SOI, ahead of the encoder's JFIF APP0: decoders look for Exif in any APP1.
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }
}
