using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Sqlite;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

public sealed class SqliteTrailReaderTests : IAsyncLifetime
{
    private readonly TempAudit _audit = new();

    public async ValueTask InitializeAsync()
    {
        await _audit.WriteRecordsAsync(10);
        _audit.Replace(_audit.Stored(), perBlock: 4); // blocks 1-4, 5-8, 9-10
    }

    public ValueTask DisposeAsync() => _audit.DisposeAsync();

    [Theory]
    [InlineData(0, 1)]
    [InlineData(3, 4)]
    [InlineData(4, 5)] // the start is a block's first record
    [InlineData(5, 6)] // ...or in the middle of one
    [InlineData(9, 10)]
    [InlineData(-7, 1)]
    public void ReadAfter_AnyStart_EveryLaterRecordInOrder(long after, long first)
    {
        using var connection = _audit.Connect();

        var read = new SqliteTrailReader(connection, null).ReadAfter(after).Select(e => e.Sequence);

        Assert.Equal(Enumerable.Range((int)first, 10 - (int)first + 1).Select(i => (long)i), read);
    }

    [Fact]
    public void ReadAfter_TheEnd_Nothing()
    {
        using var connection = _audit.Connect();

        Assert.Empty(new SqliteTrailReader(connection, null).ReadAfter(10));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(10)]
    public void EntryAt_EachRecord_ItsStoredHash(long sequence)
    {
        using var connection = _audit.Connect();

        var entry = new SqliteTrailReader(connection, null).EntryAt(sequence);

        Assert.Equal(_audit.Stored()[(int)sequence - 1].Hash, entry!.Value.Hash.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void EntryAt_NoSuchRecord_Null(long sequence)
    {
        using var connection = _audit.Connect();

        Assert.Null(new SqliteTrailReader(connection, null).EntryAt(sequence));
    }
}
