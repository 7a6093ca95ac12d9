using System.Globalization;
using System.Text;
using HdrHistogram;
using HdrHistogram.Utilities;

namespace ELicense.Bench;

/// <summary>
/// Writes interval histograms in the HdrHistogram log format (version 1.3), UTF-8, timestamps in seconds
/// relative to the BaseTime line, values in nanoseconds (the max column in milliseconds, the format's
/// usual ratio): what HistogramLogAnalyzer, hdr-plot and the HdrHistogram log readers take. (The library's
/// own writer writes UTF-16 and stamps intervals with the wall clock, hence this one.)
/// </summary>
public sealed class HdrLogWriter : IDisposable
{
    private readonly StreamWriter _writer;

    /// <summary>Starts a log on <paramref name="stream"/> whose intervals count from <paramref name="startTime"/>.</summary>
    public HdrLogWriter(Stream stream, DateTimeOffset startTime)
    {
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        var seconds = startTime.ToUnixTimeMilliseconds() / 1000.0;
        _writer.WriteLine("#[Histogram log format version 1.3]");
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#[StartTime: {seconds:F3} (seconds since epoch), {startTime.UtcDateTime:o}]"));
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#[BaseTime: {seconds:F3} (seconds since epoch)]"));
        _writer.WriteLine("#[elicense-bench: latency in nanoseconds from each request's due time (open loop) or send time (closed loop)]");
        _writer.WriteLine("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"");
    }

    /// <summary>Appends one interval, <paramref name="offsetSeconds"/> after the start; <paramref name="tag"/> names an operation (null: all).</summary>
    public void Append(HistogramBase histogram, double offsetSeconds, double lengthSeconds, string? tag)
    {
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        var length = histogram.EncodeIntoCompressedByteBuffer(buffer);
        var bytes = new byte[length];
        buffer.Position = 0;
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get(); // the library keeps its array copy internal
        }

        var payload = Convert.ToBase64String(bytes);
        var maxMilliseconds = histogram.TotalCount == 0 ? 0 : histogram.GetMaxValue() / 1e6;
        var line = string.Create(CultureInfo.InvariantCulture, $"{offsetSeconds:F3},{lengthSeconds:F3},{maxMilliseconds:F3},{payload}");
        _writer.WriteLine(tag is null ? line : $"Tag={tag},{line}");
    }

    /// <summary>Writes what is buffered.</summary>
    public void Flush() => _writer.Flush();

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
