using ELicense.Server.Auditing;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Contract;

/// <summary>The writer's contract, continued: what it leaves in the trail, restarts, the holder's view and the subject key.</summary>
public abstract partial class AuditWriterContract
{
    [Fact]
    public async Task ListBySubjectAsync_Pages_NewestFirstBelowCursor()
    {
        var log = await OpenAsync();
        const string subject = "L:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", other = "V:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        var mine = new List<AuditRecord>();
        for (var i = 0; i < 25; i++)
        {
            var record = Records.Record($"mine{i}", subject);
            mine.Add(record);
            await log.AppendAsync(record, Ct);
            await log.AppendAsync(Records.Record($"other{i}", other), Ct);
        }

        var first = await log.ListBySubjectAsync(subject, null, 10, Ct);
        var second = await log.ListBySubjectAsync(subject, first[^1].Sequence, 10, Ct);
        var third = await log.ListBySubjectAsync(subject, second[^1].Sequence, 10, Ct);
        var fourth = await log.ListBySubjectAsync(subject, third[^1].Sequence, 10, Ct);

        Assert.Equal((10, 10, 5, 0), (first.Count, second.Count, third.Count, fourth.Count));
        var all = first.Concat(second).Concat(third).ToList();
        Assert.Equal(all.Select(e => e.Sequence).OrderDescending(), all.Select(e => e.Sequence));
        Assert.All(all, e => Assert.Equal(subject, e.Record.Subject));
        Assert.Equal(Enumerable.Reverse(mine), all.Select(e => e.Record)); // every field round-trips (times are whole ms)
        Assert.Equal(49, first[0].Sequence);
        Assert.Empty(await log.ListBySubjectAsync("P:none", null, 10, Ct));
    }

    [Fact]
    public async Task Reopen_AppendMore_ChainContinuesAndVerifies()
    {
        var first = await OpenAsync();
        for (var i = 0; i < 10; i++)
        {
            await first.AppendAsync(Records.Record($"a{i}"), Ct);
        }

        await first.DisposeAsync();
        var second = await OpenAsync();
        for (var i = 0; i < 10; i++)
        {
            await second.AppendAsync(Records.Record($"b{i}"), Ct);
        }

        await second.DisposeAsync();

        var result = await VerifyAsync();
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(20, result.RecordsChecked);
        Assert.Equal(11, (await StoredAsync()).Single(r => r.Record.CallerId == "b0").Sequence);
    }

    [Fact]
    public async Task AppendAsync_UnpairedSurrogate_ThrowsArgumentException()
    {
        var log = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(async () => await log.AppendAsync(Records.Record("bad\uD800"), Ct));
        await log.AppendAsync(Records.Record("good 京A12345 \U0001F600"), Ct); // paired surrogates are fine
    }

    [Fact]
    public async Task AppendAsync_EmptyAndNonAsciiText_StoredExactlyAndChainVerifies()
    {
        // Empty text must come back empty, the rest byte for byte (UTF-8 in the block, decoded strictly).
        var log = await OpenAsync();
        await log.AppendAsync(Records.Record("", subject: "", result: "") with { DeviceId = "" }, Ct);
        await log.AppendAsync(Records.Record("交警-京A12345 \U0001F600", subject: "L:é"), Ct);
        await log.DisposeAsync();

        var stored = await StoredAsync();
        Assert.Single(stored, r => r.Record is { CallerId: "", DeviceId: "", Subject: "", Result: "" });
        Assert.Single(stored, r => r.Record is { CallerId: "交警-京A12345 \U0001F600", Subject: "L:é" });
        var result = await VerifyAsync();
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(2, result.RecordsChecked);
    }

    [Fact]
    public async Task StartAsync_ReplicaWithAnotherSubjectKey_RefusesToStartSameKeyStarts()
    {
        // Two replicas on one trail: the first records its key's fingerprint; one with another key would
        // write subjects the holder's view never finds, so it must not start.
        using var key1 = new AuditSubjects(Key(1));
        using var key2 = new AuditSubjects(Key(2));
        var first = Writer(fingerprint: key1.KeyFingerprint());
        await first.StartAsync(Ct);
        await first.StopAsync(Ct);

        var other = Writer(fingerprint: key2.KeyFingerprint());
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => other.StartAsync(Ct));
        Assert.Contains("different subject key", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Key(2)), refused.Message, StringComparison.Ordinal); // the key itself is never shown

        var same = Writer(fingerprint: key1.KeyFingerprint());
        await same.StartAsync(Ct);
        await same.AppendAsync(Records.Record("after-restart"), Ct);
        await same.StopAsync(Ct);
        Assert.Single(await StoredAsync(), r => r.Record.CallerId == "after-restart");
    }

    private static byte[] Key(byte fill) => Enumerable.Repeat(fill, AuditOptions.SubjectKeyBytes).ToArray();
}
