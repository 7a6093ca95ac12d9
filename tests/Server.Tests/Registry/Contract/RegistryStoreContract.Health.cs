using ELicense.Server.Registry;
using ELicense.V1;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Contract;

/// <summary>The contract for health probes and the engine's error classifier.</summary>
public abstract partial class RegistryStoreContract
{
    [Fact]
    public async Task PingAsync_EmptyAndWithData_Passes()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();

        await store.PingAsync(Ct);
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        await store.RecordViolationAsync(Violation(PlateA, Start, license: HolderA), "", Ct);
        await store.PingAsync(Ct);
    }

    [Fact]
    public async Task Classifier_RuleRefusalsAndNonErrors_AreNotTransient()
    {
        await using var engine = CreateEngine();
        var store = await engine.OpenStoreAsync();
        var refusal = await Assert.ThrowsAsync<RegistryRuleException>(
            () => store.RecordViolationAsync(Violation(PlateA, Start, license: HolderA), "", Ct));

        Assert.False(engine.Classifier.IsTransient(refusal));
        Assert.False(engine.Classifier.IsTransient(null));
        Assert.False(engine.Classifier.IsTransient(new ArgumentException("bad")));
        Assert.False(engine.Classifier.IsTransient(new OperationCanceledException()));
    }
}
