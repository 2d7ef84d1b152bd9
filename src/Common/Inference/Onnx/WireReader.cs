using System.Security.Cryptography;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Reads a protobuf file front to back in 64 KiB chunks and hashes every byte on the way, so a model file is read from
/// disk once, whatever its size, and never held whole in memory.
/// </summary>
internal sealed class WireReader : IDisposable
{
    private readonly Stream _stream;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _position;
    private int _length;
    private long _bufferStart;

    public WireReader(Stream stream) => _stream = stream;

    /// <summary>Offset in the file of the next byte to read.</summary>
    public long Position => _bufferStart + _position;

    /// <summary>The hash of everything read so far; it goes on accumulating.</summary>
    public IncrementalHash Sha256 => _sha256;

    /// <summary>Reads a base-128 varint, copying its bytes to <paramref name="copy"/> when given.</summary>
    /// <exception cref="InvalidDataException">The varint is longer than 10 bytes or the file ends inside it.</exception>
    public ulong ReadVarint(Stream? copy)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            copy?.WriteByte(b);
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException($"Malformed protobuf varint at byte {Position}.");
    }

    /// <summary>Moves <paramref name="count"/> bytes on, copying them to <paramref name="destination"/> unless it is null.</summary>
    /// <exception cref="InvalidDataException">The file ends first.</exception>
    public void Copy(long count, Stream? destination)
    {
        while (count > 0)
        {
            if (_position == _length && !Fill())
            {
                throw new InvalidDataException($"The protobuf ends at byte {Position}, {count} bytes short of a field's end.");
            }

            var n = (int)Math.Min(count, _length - _position);
            destination?.Write(_buffer, _position, n);
            _position += n;
            count -= n;
        }
    }

    /// <summary>Reads what is left of the file, for the hash.</summary>
    public void ReadToEnd()
    {
        while (Fill())
        {
        }
    }

    public void Dispose() => _sha256.Dispose();

    private byte ReadByte()
    {
        if (_position == _length && !Fill())
        {
            throw new InvalidDataException($"The protobuf ends at byte {Position}, inside a varint.");
        }

        return _buffer[_position++];
    }

    private bool Fill()
    {
        _bufferStart += _length;
        _position = 0;
        _length = _stream.Read(_buffer);
        _sha256.AppendData(_buffer, 0, _length);
        return _length > 0;
    }
}
