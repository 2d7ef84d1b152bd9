namespace Pipeline.Common.Sources;

/// <summary>A manifest line that is not valid CSV/JSON or lacks a URI; fatal to the listing.</summary>
/// <remarks>Messages name the file and line, never the line's text (it may carry a SAS).</remarks>
public sealed class ManifestFormatException : FormatException
{
    /// <summary>A manifest that could not be read.</summary>
    public ManifestFormatException()
    {
    }

    /// <summary>A manifest that could not be read, as <paramref name="message"/> says.</summary>
    public ManifestFormatException(string message)
        : base(message)
    {
    }

    /// <summary>A manifest that could not be read because of <paramref name="innerException"/>.</summary>
    public ManifestFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Line <paramref name="lineNumber"/> (1-based) of <paramref name="manifest"/> is malformed: <paramref name="problem"/>.</summary>
    public ManifestFormatException(string manifest, long lineNumber, string problem, Exception? innerException = null)
        : base($"{manifest}, line {lineNumber}: {problem}", innerException)
    {
        LineNumber = lineNumber;
    }

    /// <summary>1-based line of the problem; 0 when unknown.</summary>
    public long LineNumber { get; }
}
