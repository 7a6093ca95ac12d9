using ELicense.Server.Auditing;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Server.Tests.Auditing.Contract;

/// <summary>Records for the contract suites, with times from a fake domain clock (whole milliseconds, so they round-trip).</summary>
public sealed class AuditContractRecords
{
    public const string Subject = "L:00112233445566778899aabbccddeeff";

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));

    /// <summary>A record with the next fake time; <paramref name="caller"/> makes it recognisable.</summary>
    public AuditRecord Record(string caller, string subject = Subject, string result = "VALID")
    {
        Time.Advance(TimeSpan.FromMilliseconds(7));
        return new AuditRecord(Time.GetUtcNow(), caller, "device-1", "/elicense.v1.VerifierService/Verify", subject,
            LookupPurpose.RoadsideCheck, result, DataSource.Memory);
    }

    /// <summary>Every record of <paramref name="trail"/> in stored order, decoded (a record that cannot be read fails the test).</summary>
    public static async Task<List<AuditEntry>> ReadAllAsync(IAuditTrailSource trail, CancellationToken cancellationToken)
    {
        await using var view = await trail.OpenViewAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        await foreach (var entry in view.ReadAfterAsync(null, cancellationToken))
        {
            Xunit.Assert.Null(entry.Problem);
            Xunit.Assert.True(AuditChain.TryDecodeBody(entry.Body.Span, out var sequence, out var record));
            Xunit.Assert.Equal(entry.Sequence, sequence);
            entries.Add(new AuditEntry(sequence, record));
        }

        return entries;
    }
}
