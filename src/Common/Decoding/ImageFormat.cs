namespace Pipeline.Common.Decoding;

/// <summary>Container formats the header sniffer recognises; everything else is refused before decoding.</summary>
public enum ImageFormat
{
    /// <summary>Not one of the formats below (the decoder still tries; OpenCV decides).</summary>
    Unknown,
    /// <summary>JPEG (<c>FF D8 FF</c>).</summary>
    Jpeg,
    /// <summary>PNG (<c>89 50 4E 47</c>).</summary>
    Png,
    /// <summary>GIF (<c>GIF87a</c>/<c>GIF89a</c>).</summary>
    Gif,
    /// <summary>Windows bitmap (<c>BM</c>).</summary>
    Bmp,
    /// <summary>WebP (<c>RIFF</c>....<c>WEBP</c>).</summary>
    WebP,
    /// <summary>TIFF (<c>II*</c> or <c>MM*</c>).</summary>
    Tiff,
}
