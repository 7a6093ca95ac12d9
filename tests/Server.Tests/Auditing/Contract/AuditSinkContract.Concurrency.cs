using ELicense.Server.Auditing;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Contract;

/// <summary>
/// The contract under concurrency, which a server engine makes the common case: replicas on several
/// hosts appending to one trail and running their indexers against one index at the same moment.
/// </summary>
public abstract partial class AuditSinkContract
{
    [Fact]
    public async Task AppendAsync_TwoSinksAppendingConcurrently_OneUnbrokenChainNoSequenceLostOrDuplicated()
    {
        var sinks = new[] { await OpenAsync(), await OpenAsync() };
        // Records made up front (the fake clock is the test's); each sink appends its own batches at once.
        var batches = sinks.Select((_, s) => Enumerable.Range(0, 15)
            .Select(b => Enumerable.Range(0, 1 + (b * 37 % 140)).Select(i => Records.Record($"s{s}-b{b}-{i}")).ToList()).ToList()).ToList();

        await Task.WhenAll(sinks.Select((sink, s) => Task.Run(async () =>
        {
            foreach (var records in batches[s])
            {
                var batch = new AuditBatch();
                records.ForEach(batch.Add);
                await sink.AppendAsync(batch, Ct);
            }
        }, Ct)));

        var total = batches.Sum(perSink => perSink.Sum(records => records.Count));
        var stored = await AuditContractRecords.ReadAllAsync(sinks[0], Ct);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), stored.Select(e => e.Sequence)); // none lost, none twice
        Assert.Equal(batches.SelectMany(perSink => perSink.SelectMany(records => records)).Select(r => r.CallerId).Order(),
            stored.Select(e => e.Record.CallerId).Order());
        foreach (var records in batches.SelectMany(perSink => perSink))
        {
            // A batch is one commit: its records are consecutive, never interleaved with the other sink's.
            var sequences = records.Select(r => stored.Single(e => e.Record.CallerId == r.CallerId).Sequence).ToList();
            Assert.Equal(Enumerable.Range((int)sequences[0], sequences.Count).Select(i => (long)i), sequences);
        }

        var result = await AuditChainVerifier.VerifyAsync(sinks[1], Ct);
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal((total, total), (result.RecordsChecked, result.HeadSequence));
    }

    [Fact]
    public async Task SubjectIndex_TwoSinksPassingConcurrently_EveryRecordIndexedOnceAndListsComplete()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        await first.SubjectIndex.OpenAsync(Ct);
        await second.SubjectIndex.OpenAsync(Ct);
        await AppendAsync(first, "x", 300); // subjects L:0, L:1, L:2 in turn

        var indexed = 0;
        for (var round = 0; round < 3; round++)
        {
            var passes = await Task.WhenAll(Task.Run(() => first.SubjectIndex.IndexOnceAsync(Ct).AsTask(), Ct),
                Task.Run(() => second.SubjectIndex.IndexOnceAsync(Ct).AsTask(), Ct));
            indexed += passes.Sum();
            await AppendAsync(second, $"r{round}-", 30);
        }

        indexed += await first.SubjectIndex.IndexOnceAsync(Ct) + await second.SubjectIndex.IndexOnceAsync(Ct);
        Assert.Equal(390, indexed); // each record taken in by exactly one pass
        var listed = await second.SubjectIndex.ListAsync("L:1", long.MaxValue, 1000, Ct);
        var stored = await AuditContractRecords.ReadAllAsync(first, Ct);
        Assert.Equal(stored.Where(e => e.Record.Subject == "L:1").Select(e => e.Sequence).Reverse(), listed.Select(e => e.Sequence));
    }
}
