using System.Text;
using CsCheck;

namespace Pipeline.UnitTests.Sources;

/// <summary>
/// Random names of the kinds real photo libraries and blob containers hold: URI-special ASCII (<c>% # ? [ ]</c>,
/// space, backslash), <c>%xx</c> look-alikes, control characters, composed and decomposed accents, private-use
/// and astral characters. Shared with the integration tests, which create them on disk and in Azurite.
/// </summary>
public static class NameGenerators
{
    private static readonly string Specials = " %#?[]\\!$&'()*+,;=:@\"<>^`{|}~.-_";

    /// <summary>One Unicode scalar value, never NUL or '/'.</summary>
    public static readonly Gen<string> Scalar = Gen.Frequency(
        (4, Gen.Char['a', 'z'].Select(c => c.ToString())),
        (3, Gen.Int[0, Specials.Length - 1].Select(i => Specials[i].ToString())),
        (2, Gen.OneOf<string>("%41", "%2e", "%2E%2E", "%25", "%2F", "%", "..", "é", "e\u0301", "Å", "A\u030A")),
        (1, Gen.Int[1, 0x1F].Select(i => ((char)i).ToString())),
        (1, Gen.Int[0xE000, 0xF8FF].Select(i => ((char)i).ToString())),
        (1, Gen.Int[0x80, 0xD7FF].Select(i => ((char)i).ToString())),
        (1, Gen.Int[0x10000, 0x10FFFF].Select(i => char.ConvertFromUtf32(i))));

    /// <summary>A file or folder name: 1–40 bytes of UTF-8, not <c>.</c> or <c>..</c>.</summary>
    public static readonly Gen<string> FileName = Scalar.Array[1, 12]
        .Select(parts => string.Concat(parts))
        .Where(name => name is not ("." or "..") && Encoding.UTF8.GetByteCount(name) <= 200);

    /// <summary>An absolute path of 1–4 such names.</summary>
    public static readonly Gen<string> AbsolutePath = FileName.Array[1, 4].Select(names => "/" + string.Join('/', names));

    /// <summary>
    /// A blob name as the service keeps it (1–1,024 characters, image extension): names may start with '/',
    /// hold '.', '..' and empty segments, and any character but controls (Azure refuses most of those) and
    /// '\' (the service stores it as '/').
    /// </summary>
    public static readonly Gen<string> BlobName = Gen.Frequency(
            (6, Scalar.Where(s => s[0] >= 0x20 && s[0] != 0x7F && s[0] != '\\')),
            (2, Gen.OneOf<string>("/", "/./", "/../", "//", "./", "../")))
        .Array[1, 12]
        .Select(parts => string.Concat(parts) + ".jpg");

    /// <summary>A file name as raw bytes, any but NUL and '/' (Linux allows them all); not always UTF-8.</summary>
    public static readonly Gen<byte[]> RawFileName = Gen.Frequency(
            (3, FileName.Select(name => Encoding.UTF8.GetBytes(name))),
            (1, Gen.Byte.Where(b => b is not (0 or (byte)'/')).Array[1, 12]))
        .Where(bytes => !(bytes is [(byte)'.'] or [(byte)'.', (byte)'.']));
}
