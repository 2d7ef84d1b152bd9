using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.Worker.Inference;

/// <summary>
/// Reads the <c>DT_NEEDED</c> entries of a 64-bit little-endian ELF shared library (what <c>readelf -d</c> lists as
/// "Shared library: [...]"): the sonames the dynamic loader must find before the library loads. Used to name the CUDA
/// libraries a GPU execution provider is missing, and by the tests that hold the Dockerfile's base image to the package.
/// </summary>
/// <remarks>
/// Follows the System V ABI (ELF-64 Object File Format 1.5): the file header gives the section header table; the
/// <c>SHT_DYNAMIC</c> section holds 16-byte (tag, value) entries whose <c>DT_NEEDED</c> values are offsets into the
/// string table its <c>sh_link</c> names. Only the headers and those two sections are read, not the whole file.
/// </remarks>
internal static class ElfDependencies
{
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const uint DynamicSection = 6;
    private const long NeededTag = 1;
    private const long NullTag = 0;

    /// <summary>The sonames in <c>DT_NEEDED</c> order (e.g. <c>libcudart.so.13</c>).</summary>
    /// <exception cref="InvalidDataException">Not a 64-bit little-endian ELF file, or its tables point outside it.</exception>
    public static IReadOnlyList<string> Needed(string path)
    {
        using var file = File.OpenHandle(path);
        var length = RandomAccess.GetLength(file);
        var header = Read(file, 0, HeaderSize, length, path);
        if (!header.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) || header[4] != 2 || header[5] != 1)
        {
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file.");
        }

        var sectionTable = checked((long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(0x28)));
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x3A));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x3C));
        if (entrySize < SectionHeaderSize)
        {
            throw new InvalidDataException($"{path}: section headers of {entrySize} bytes; {SectionHeaderSize} expected.");
        }

        var sections = Read(file, sectionTable, entrySize * count, length, path);
        for (var i = 0; i < count; i++)
        {
            var section = sections.AsSpan(i * entrySize, SectionHeaderSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(section[4..]) != DynamicSection)
            {
                continue;
            }

            var link = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(section[0x28..]));
            if (link >= count)
            {
                throw new InvalidDataException($"{path}: the dynamic section links string table {link} of {count} sections.");
            }

            var strings = sections.AsSpan(link * entrySize, SectionHeaderSize);
            return Entries(file, section, Read(file, Offset(strings), Size(strings), length, path), length, path);
        }

        // A static executable or an object file: nothing to load.
        return [];
    }

    private static List<string> Entries(SafeFileHandle file, ReadOnlySpan<byte> dynamic, byte[] strings, long length, string path)
    {
        var entries = Read(file, Offset(dynamic), Size(dynamic), length, path);
        var needed = new List<string>();
        for (var at = 0; at + 16 <= entries.Length; at += 16)
        {
            var tag = BinaryPrimitives.ReadInt64LittleEndian(entries.AsSpan(at));
            if (tag == NullTag)
            {
                break;
            }

            if (tag != NeededTag)
            {
                continue;
            }

            var offset = BinaryPrimitives.ReadUInt64LittleEndian(entries.AsSpan(at + 8));
            var end = offset < (ulong)strings.Length ? Array.IndexOf(strings, (byte)0, (int)offset) : -1;
            if (end < 0)
            {
                throw new InvalidDataException($"{path}: a DT_NEEDED name at offset {offset} lies outside its string table.");
            }

            needed.Add(Encoding.UTF8.GetString(strings, (int)offset, end - (int)offset));
        }

        return needed;
    }

    private static long Offset(ReadOnlySpan<byte> section) => checked((long)BinaryPrimitives.ReadUInt64LittleEndian(section[0x18..]));

    private static int Size(ReadOnlySpan<byte> section) => checked((int)BinaryPrimitives.ReadUInt64LittleEndian(section[0x20..]));

    private static byte[] Read(SafeFileHandle file, long offset, int count, long length, string path)
    {
        if (offset < 0 || count < 0 || offset + count > length)
        {
            throw new InvalidDataException($"{path}: {count} bytes at offset {offset} lie outside the file ({length} bytes); truncated or not an ELF file.");
        }

        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = RandomAccess.Read(file, buffer.AsSpan(read), offset + read);
            if (n == 0)
            {
                throw new InvalidDataException($"{path} ended while reading {count} bytes at offset {offset}.");
            }

            read += n;
        }

        return buffer;
    }
}
