using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Pipeline.Scheduler.Export;

/// <summary>
/// Rows into NumPy's <c>.npy</c> format 1.0 (<c>[N, D]</c> little-endian float32, C order), streamed: the header is
/// written with room for any N and rewritten with the real count at the end. Beside it <c>PATH.uris.txt</c> (line i is
/// row i's URI) and <c>PATH.meta.json</c> (provenance). <c>numpy.load(PATH)</c> or <c>numpy.load(PATH, mmap_mode='r')</c>.
/// </summary>
internal sealed class NpyExportWriter : IAsyncDisposable
{
    // Magic, version, header length and a dict padded to a multiple of 64 bytes; 128 bytes hold any shape of two longs.
    private const int HeaderBytes = 128;

    private readonly Stream _array;
    private readonly StreamWriter _uris;
    private readonly int _dims;
    private readonly byte[] _row;
    private long _count;

    private NpyExportWriter(Stream array, StreamWriter uris, int dims)
    {
        _array = array;
        _uris = uris;
        _dims = dims;
        _row = new byte[dims * sizeof(float)];
    }

    public static async Task<NpyExportWriter> CreateAsync(
        Stream array, string urisPath, string metadataPath, int dims, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(array);
        await File.WriteAllTextAsync(metadataPath, JsonSerializer.Serialize(metadata, JsonOptions), cancellationToken).ConfigureAwait(false);
        var writer = new NpyExportWriter(array, new StreamWriter(urisPath, false, new UTF8Encoding(false)) { NewLine = "\n" }, dims);
        await array.WriteAsync(Header(0, dims), cancellationToken).ConfigureAwait(false);
        return writer;
    }

    /// <summary>The 128-byte header of an <c>[rows, dims]</c> float32 array.</summary>
    public static byte[] Header(long rows, int dims)
    {
        var dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dims}), }}");
        var header = new byte[HeaderBytes];
        header[0] = 0x93;
        "NUMPY"u8.CopyTo(header.AsSpan(1));
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), HeaderBytes - 10);
        var text = Encoding.ASCII.GetBytes(dict.PadRight(HeaderBytes - 10 - 1) + "\n");
        text.CopyTo(header, 10);
        return header;
    }

    public async Task WriteAsync(ExportRow row, CancellationToken cancellationToken)
    {
        // .npy is little-endian here ('<f4'), as is every platform .NET runs on.
        MemoryMarshal.AsBytes(row.Embedding.AsSpan()).CopyTo(_row);
        await _array.WriteAsync(_row, cancellationToken).ConfigureAwait(false);
        await _uris.WriteLineAsync(row.Uri.AsMemory(), cancellationToken).ConfigureAwait(false);
        _count++;
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _uris.FlushAsync(cancellationToken).ConfigureAwait(false);
        _array.Seek(0, SeekOrigin.Begin);
        await _array.WriteAsync(Header(_count, _dims), cancellationToken).ConfigureAwait(false);
        await _array.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await _uris.DisposeAsync().ConfigureAwait(false);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
