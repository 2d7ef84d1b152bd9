using Parquet;
using Parquet.Schema;

namespace Pipeline.Scheduler.Export;

/// <summary>
/// Rows into one Parquet file, a row group at a time (about 8 MiB of vectors each, so memory stays bounded):
/// <c>uri</c>, <c>content_id</c> (string), <c>job_id</c> (UUID), <c>created_at</c> (timestamp, UTC),
/// <c>embedding</c> (list of float32, every list the model's width), provenance in the file's key/value metadata.
/// </summary>
/// <remarks>
/// Parquet.Net writes no float16, so a <c>halfvec</c> model's vectors are widened to float32 (exactly: every float16 is a
/// float32); <c>pipeline.column_type</c> in the metadata says so.
/// </remarks>
internal sealed class ParquetExportWriter : IAsyncDisposable
{
    private const long RowGroupBytes = 8L * 1024 * 1024;

    private readonly ParquetWriter _writer;
    private readonly DataField[] _fields;
    private readonly int _dims;
    private readonly int _rowGroupRows;
    private readonly List<string> _uris = [];
    private readonly List<string> _contentIds = [];
    private readonly Guid[] _jobIds;
    private readonly DateTime[] _createdAt;
    private readonly float[] _values;
    private readonly int[] _repetitions;
    private readonly int[] _definitions;
    private int _count;

    private ParquetExportWriter(ParquetWriter writer, DataField[] fields, int dims, int rowGroupRows)
    {
        _writer = writer;
        _fields = fields;
        _dims = dims;
        _rowGroupRows = rowGroupRows;
        _jobIds = new Guid[rowGroupRows];
        _createdAt = new DateTime[rowGroupRows];
        _values = new float[rowGroupRows * dims];
        // A new list starts at level 0, its other elements repeat at level 1; the same pattern for every full row group.
        _repetitions = new int[rowGroupRows * dims];
        // Every element is present: all at the element's maximum definition level.
        _definitions = new int[rowGroupRows * dims];
        Array.Fill(_definitions, fields[4].MaxDefinitionLevel);
        for (var i = 0; i < _repetitions.Length; i++)
        {
            _repetitions[i] = i % dims == 0 ? 0 : 1;
        }
    }

    public static async Task<ParquetExportWriter> CreateAsync(
        Stream output, int dims, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentOutOfRangeException.ThrowIfLessThan(dims, 1);
        var schema = new ParquetSchema(
            new DataField<string>("uri", false),
            new DataField<string>("content_id", false),
            new DataField<Guid>("job_id", false),
            new DataField<DateTime>("created_at", false),
            new ListField("embedding", new DataField<float>("element", false)));
        var writer = await ParquetWriter.CreateAsync(schema, output, cancellationToken: cancellationToken).ConfigureAwait(false);
        writer.CustomMetadata = metadata.ToDictionary();
        var rows = (int)Math.Clamp(RowGroupBytes / (dims * sizeof(float)), 256, 65_536);
        return new ParquetExportWriter(writer, schema.GetDataFields(), dims, rows);
    }

    public async Task WriteAsync(ExportRow row, CancellationToken cancellationToken)
    {
        _uris.Add(row.Uri);
        _contentIds.Add(row.ContentId);
        _jobIds[_count] = row.JobId;
        _createdAt[_count] = DateTime.SpecifyKind(row.CreatedAtUtc, DateTimeKind.Utc);
        row.Embedding.CopyTo(_values, _count * _dims);
        if (++_count == _rowGroupRows)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the last row group and the footer.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_count == 0)
        {
            return;
        }

        using (var group = _writer.CreateRowGroup())
        {
            await group.WriteAsync(_fields[0], _uris).ConfigureAwait(false);
            await group.WriteAsync(_fields[1], _contentIds).ConfigureAwait(false);
            await group.WriteAsync<Guid>(_fields[2], _jobIds.AsMemory(0, _count), null, null, cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<DateTime>(_fields[3], _createdAt.AsMemory(0, _count), null, null, cancellationToken).ConfigureAwait(false);
            var length = _count * _dims;
            await group.WriteAllPartsAsync<float>(
                _fields[4], _values.AsMemory(0, length), _definitions.AsMemory(0, length), _repetitions.AsMemory(0, length), cancellationToken)
                .ConfigureAwait(false);
            group.CompleteValidate();
        }

        _uris.Clear();
        _contentIds.Clear();
        _count = 0;
    }
}
