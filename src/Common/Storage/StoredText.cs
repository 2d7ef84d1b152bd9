using System.Security.Cryptography;
using System.Text;
using Pipeline.Common.Sources;

namespace Pipeline.Common.Storage;

/// <summary>
/// Makes user-controlled text storable in the failures table, whose key indexes the URI: Postgres text holds
/// no NUL and no invalid UTF-8, and a b-tree row is at most 2,704 bytes.
/// </summary>
/// <remarks>
/// Limits: a failure's URI is kept whole up to <see cref="ImageUri.MaxBytes"/> (2,048 UTF-8 bytes); a longer one is
/// cut and ends in <c>…#sha256:</c> and the first 16 hex digits of the whole URI's hash, so two long URIs
/// stay distinct. A failure message is cut at <see cref="MaxMessageChars"/> characters.
/// </remarks>
public static class StoredText
{
    /// <summary>Characters of a failure message that are stored.</summary>
    public const int MaxMessageChars = 2000;

    private const int KeptUriBytes = ImageUri.MaxBytes - 64;

    /// <summary>NUL becomes U+2400 (␀), an unpaired surrogate U+FFFD; anything else is kept.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!NeedsCleaning(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                builder.Append('\u2400');
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append('\uFFFD');
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>A failure's URI as stored: cleaned, and bounded as described on the class.</summary>
    public static string Uri(string uri)
    {
        var clean = Clean(uri);
        if (Encoding.UTF8.GetByteCount(clean) <= ImageUri.MaxBytes)
        {
            return clean;
        }

        var cut = clean.Length;
        while (Encoding.UTF8.GetByteCount(clean.AsSpan(0, cut)) > KeptUriBytes)
        {
            cut = Math.Min(cut - 1, KeptUriBytes);
        }

        if (cut > 0 && char.IsHighSurrogate(clean[cut - 1]))
        {
            cut--;
        }

        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clean)))[..16];
        return string.Concat(clean.AsSpan(0, cut), "…#sha256:", digest);
    }

    /// <summary>A failure message as stored: cleaned and cut at <see cref="MaxMessageChars"/>.</summary>
    public static string Message(string message)
    {
        var clean = Clean(message);
        if (clean.Length <= MaxMessageChars)
        {
            return clean;
        }

        var cut = char.IsHighSurrogate(clean[MaxMessageChars - 1]) ? MaxMessageChars - 1 : MaxMessageChars;
        return string.Concat(clean.AsSpan(0, cut), "…");
    }

    private static bool NeedsCleaning(string text)
    {
        foreach (var c in text)
        {
            if (c == '\0' || char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }
}
