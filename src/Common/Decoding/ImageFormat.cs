namespace Pipeline.Common.Decoding;

/// <summary>Container formats the header sniffer recognises; everything else is refused before decoding.</summary>
public enum ImageFormat
{
    Unknown,
    Jpeg,
    Png,
    Gif,
    Bmp,
    WebP,
    Tiff,
}
