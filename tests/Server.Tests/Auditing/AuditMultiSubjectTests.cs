using ELicense.Server.Auditing;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

/// <summary>A record about a driver and a vehicle (a roadside check) is found by each of its subjects, indexed or not.</summary>
public sealed class AuditMultiSubjectTests : IAsyncLifetime
{
    private const string Driver = "L:00112233445566778899aabbccddeeff";
    private const string Vehicle = "P:ffeeddccbbaa99887766554433221100";

    private readonly TempAudit _audit = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _audit.DisposeAsync();

    [Fact]
    public void Join_SkipsEmptyParts_AndSplitGivesThemBack()
    {
        Assert.Equal(Driver + " " + Vehicle, AuditSubjects.Join(Driver, null, Vehicle));
        Assert.Equal(Driver, AuditSubjects.Join(Driver, ""));
        Assert.Equal("", AuditSubjects.Join(null, null));
        Assert.Equal([Driver, Vehicle], AuditSubjects.Split(Driver + " " + Vehicle));
        Assert.Equal([""], AuditSubjects.Split("")); // a record about nobody is indexed as before
    }

    [Theory]
    [InlineData(Driver + " " + Vehicle, Driver, true)]
    [InlineData(Driver + " " + Vehicle, Vehicle, true)]
    [InlineData(Driver, Driver, true)]
    [InlineData(Driver + " " + Vehicle, "L:0011", false)]
    [InlineData(Driver + " " + Vehicle, "", false)]
    [InlineData("", "", true)]
    public void Names_MatchesWholeSubjectsOnly(string recordSubject, string subject, bool expected)
    {
        Assert.Equal(expected, AuditSubjects.Names(recordSubject, subject));
    }

    [Fact]
    public async Task ListBySubjectAsync_RecordOfTwoSubjects_FoundByEachBeforeAndAfterIndexing()
    {
        var options = _audit.Options();
        options.SubjectIndexInterval = TimeSpan.FromMinutes(10); // passes only when the test asks
        var log = await _audit.OpenAsync(options);
        await log.AppendAsync(_audit.Record("roadside", Driver + " " + Vehicle), Ct);
        await log.AppendAsync(_audit.Record("lookup", Vehicle), Ct);
        await log.AppendAsync(_audit.Record("other", "P:0123456789abcdef0123456789abcdef"), Ct);

        async Task<string[]> CallersOf(string subject) =>
            [.. (await log.ListBySubjectAsync(subject, null, 10, Ct)).Select(e => e.Record.CallerId)];

        Assert.Equal(["roadside"], await CallersOf(Driver));
        Assert.Equal(["lookup", "roadside"], await CallersOf(Vehicle));
        Assert.True(await log.IndexSubjectsAsync() > 0);
        Assert.Equal(["roadside"], await CallersOf(Driver));
        Assert.Equal(["lookup", "roadside"], await CallersOf(Vehicle));
        Assert.Empty(await CallersOf("L:0011"));
    }
}
