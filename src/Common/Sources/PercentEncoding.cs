using System.Text;

namespace Pipeline.Common.Sources;

/// <summary>
/// RFC 3986 percent-encoding over the UTF-8 bytes of a name: every byte outside the kept set becomes
/// <c>%XX</c> (upper-case hex), and decoding turns every <c>%XX</c> back into its byte. So a name that itself
/// contains <c>%41</c> is written <c>%2541</c> and never read back as <c>A</c>.
/// </summary>
internal static class PercentEncoding
{
    // Strict: a lone surrogate (encoding) or an invalid byte sequence (decoding) is an error, never a U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>RFC 3986 unreserved: <c>A–Z a–z 0–9 - . _ ~</c>.</summary>
    public static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    /// <summary>RFC 3986 <c>pchar</c> less <c>pct-encoded</c>: unreserved, sub-delims, <c>:</c> and <c>@</c>.</summary>
    public static bool IsPathChar(byte b) =>
        IsUnreserved(b) || b is (byte)'!' or (byte)'$' or (byte)'&' or (byte)'\'' or (byte)'(' or (byte)')'
            or (byte)'*' or (byte)'+' or (byte)',' or (byte)';' or (byte)'=' or (byte)':' or (byte)'@';

    /// <summary>Appends the UTF-8 bytes of <paramref name="text"/>, escaping every byte <paramref name="keep"/> refuses.</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate (no UTF-8 form).</exception>
    public static void Append(StringBuilder builder, string text, Func<byte, bool> keep)
    {
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("the name holds a lone UTF-16 surrogate and has no UTF-8 form", nameof(text), ex);
        }
        foreach (var b in bytes)
        {
            if (keep(b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }
    }

    /// <summary>
    /// Decodes every <c>%XX</c>; other characters stand for their UTF-8 bytes (an IRI's raw non-ASCII letters
    /// too). The result must be valid UTF-8.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out string? value, out string? problem)
    {
        value = null;
        var bytes = new List<byte>(text.Length);
        Span<byte> scratch = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !IsHex(text[i + 1]) || !IsHex(text[i + 2]))
                {
                    problem = "a '%' not followed by two hex digits (write a literal '%' as %25)";
                    return false;
                }
                bytes.Add((byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2])));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                Rune rune;
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    rune = new Rune(c, text[++i]);
                }
                else if (!Rune.TryCreate(c, out rune))
                {
                    problem = "a lone UTF-16 surrogate";
                    return false;
                }
                bytes.AddRange(scratch[..rune.EncodeToUtf8(scratch)]);
            }
        }
        try
        {
            value = StrictUtf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            problem = "the percent-encoded bytes are not UTF-8";
            return false;
        }
        problem = null;
        return true;
    }

    private const string HexDigits = "0123456789ABCDEF";

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
