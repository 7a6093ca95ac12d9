using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Xunit;

namespace ELicense.IntegrationTests.Faults;

/// <summary>
/// <see cref="AnswerJudge"/> on synthetic answers: pure logic, so every rule the fault tests lean on is shown
/// here once, each wrong answer flagged and each honest one accepted.
/// </summary>
public sealed class AnswerJudgeTests
{
    private const string Number = "L-0001";

    private static readonly JudgeOptions IntactSharedFirst = new(ClaimsIntact: true, FirstScanCheck: ReplayCheck.Shared);

    private static VerifyCredentialResponse Answer(Verdict verdict, ReplayCheck check = ReplayCheck.Shared, string number = Number, Freshness? freshness = null) =>
        new() { Verdict = verdict, ReplayCheck = check, License = new License { LicenseNumber = number }, Freshness = freshness };

    [Fact]
    public void Verification_ReplayValidWithSharedCheck_IsWrong() =>
        Assert.Contains("SHARED", AnswerJudge.Verification(LoadCallKind.Replay, Number, Answer(Verdict.Valid, ReplayCheck.Shared)));

    [Fact]
    public void Verification_ReplayValidWithUnsetReplayCheck_IsWrong() =>
        Assert.NotNull(AnswerJudge.Verification(LoadCallKind.Replay, Number, Answer(Verdict.Valid, ReplayCheck.Unspecified)));

    [Fact]
    public void Verification_ReplayValidSharedIncompleteClaimsIntactFirstScanShared_IsWrong() =>
        Assert.Contains("not faulted", AnswerJudge.Verification(LoadCallKind.Replay, Number, Answer(Verdict.Valid, ReplayCheck.SharedIncomplete), IntactSharedFirst));

    [Fact]
    public void Verification_ReplayValidLocalOnlyClaimsIntactFirstScanShared_IsAccepted() =>
        Assert.Null(AnswerJudge.Verification(LoadCallKind.Replay, Number, Answer(Verdict.Valid, ReplayCheck.LocalOnly), IntactSharedFirst));

    [Theory]
    [InlineData(ReplayCheck.LocalOnly)]
    [InlineData(ReplayCheck.SharedIncomplete)]
    public void Verification_ReplayValidUnsureClaimStoreFaulted_IsAccepted(ReplayCheck check) =>
        Assert.Null(AnswerJudge.Verification(LoadCallKind.Replay, Number, Answer(Verdict.Valid, check), new JudgeOptions(ClaimsIntact: false, ReplayCheck.Shared)));

    [Fact]
    public void Verification_ReplayValidUnsureClaimsIntactFirstScanLocalOnly_IsAccepted() =>
        // The first scan's claim never reached the store: the replay has nothing to find there.
        Assert.Null(AnswerJudge.Verification(LoadCallKind.Replay, Number, Answer(Verdict.Valid, ReplayCheck.LocalOnly),
            new JudgeOptions(ClaimsIntact: true, ReplayCheck.LocalOnly)));

    [Theory]
    [InlineData(ReplayCheck.Shared)]
    [InlineData(ReplayCheck.LocalOnly)]
    public void Verification_RevokedValid_IsWrong(ReplayCheck check) =>
        Assert.Contains("revoked", AnswerJudge.Verification(LoadCallKind.Revoked, Number, Answer(Verdict.Valid, check)));

    [Fact]
    public void Verification_FreshReplayed_IsWrong() =>
        Assert.Contains("REPLAYED", AnswerJudge.Verification(LoadCallKind.Fresh, Number, Answer(Verdict.Replayed)));

    [Theory]
    [InlineData(LoadCallKind.Fresh, Verdict.Valid)]
    [InlineData(LoadCallKind.Replay, Verdict.Replayed)]
    [InlineData(LoadCallKind.Revoked, Verdict.LicenseNotValid)]
    public void Verification_AnotherLicencesData_IsWrong(LoadCallKind kind, Verdict verdict) =>
        Assert.Contains("L-0002", AnswerJudge.Verification(kind, Number, Answer(verdict, number: "L-0002")));

    [Fact]
    public void Verification_StaleValidWithoutAge_IsWrong() =>
        Assert.Contains("age", AnswerJudge.Verification(LoadCallKind.Fresh, Number, Answer(Verdict.Valid, freshness: new Freshness { Stale = true })));

    [Fact]
    public void Lookup_StaleWithoutAge_IsWrong() =>
        Assert.Contains("age", AnswerJudge.Lookup(Number, LicenseStatus.Normal,
            new GetLicenseResponse { License = new License { LicenseNumber = Number, Status = LicenseStatus.Normal }, Freshness = new Freshness { Stale = true } }));

    [Fact]
    public void Lookup_AnotherLicence_IsWrong() =>
        Assert.NotNull(AnswerJudge.Lookup(Number, LicenseStatus.Normal, new GetLicenseResponse { License = new License { LicenseNumber = "L-0002" } }));

    [Theory]
    [InlineData(LoadCallKind.Fresh, Verdict.Valid, ReplayCheck.Shared)]
    [InlineData(LoadCallKind.Fresh, Verdict.Valid, ReplayCheck.LocalOnly)]
    [InlineData(LoadCallKind.Fresh, Verdict.StatusUnavailable, ReplayCheck.Unspecified)]
    [InlineData(LoadCallKind.Replay, Verdict.Replayed, ReplayCheck.Shared)]
    [InlineData(LoadCallKind.Replay, Verdict.Replayed, ReplayCheck.LocalOnly)]
    [InlineData(LoadCallKind.Replay, Verdict.StatusUnavailable, ReplayCheck.Unspecified)]
    [InlineData(LoadCallKind.Revoked, Verdict.LicenseNotValid, ReplayCheck.Shared)]
    [InlineData(LoadCallKind.Revoked, Verdict.Replayed, ReplayCheck.Shared)]
    [InlineData(LoadCallKind.Revoked, Verdict.StatusUnavailable, ReplayCheck.Unspecified)]
    public void Verification_HonestAnswer_IsAccepted(LoadCallKind kind, Verdict verdict, ReplayCheck check) =>
        Assert.Null(AnswerJudge.Verification(kind, Number, Answer(verdict, check), IntactSharedFirst));

    [Fact]
    public void Verification_StaleValidWithAge_IsAccepted() =>
        Assert.Null(AnswerJudge.Verification(LoadCallKind.Fresh, Number,
            Answer(Verdict.Valid, freshness: new Freshness { Stale = true, Age = Duration.FromTimeSpan(TimeSpan.FromSeconds(3)) })));

    [Fact]
    public void Lookup_RightLicenceAndStatus_IsAccepted() =>
        Assert.Null(AnswerJudge.Lookup(Number, LicenseStatus.Revoked,
            new GetLicenseResponse { License = new License { LicenseNumber = Number, Status = LicenseStatus.Revoked } }));

    [Theory]
    [InlineData(LoadCallKind.Fresh, Verdict.Valid, ReplayCheck.Shared, true)]
    [InlineData(LoadCallKind.Fresh, Verdict.Valid, ReplayCheck.SharedIncomplete, true)]
    [InlineData(LoadCallKind.Fresh, Verdict.Valid, ReplayCheck.LocalOnly, false)]
    [InlineData(LoadCallKind.Fresh, Verdict.StatusUnavailable, ReplayCheck.Unspecified, false)]
    [InlineData(LoadCallKind.Replay, Verdict.Replayed, ReplayCheck.Shared, true)]
    [InlineData(LoadCallKind.Replay, Verdict.StatusUnavailable, ReplayCheck.Unspecified, false)]
    [InlineData(LoadCallKind.Revoked, Verdict.LicenseNotValid, ReplayCheck.Shared, true)]
    [InlineData(LoadCallKind.Revoked, Verdict.Replayed, ReplayCheck.Shared, true)]
    [InlineData(LoadCallKind.Revoked, Verdict.StatusUnavailable, ReplayCheck.Unspecified, false)]
    public void IsAuthoritative_Answer_OnlyWhenItKnows(LoadCallKind kind, Verdict verdict, ReplayCheck check, bool expected) =>
        Assert.Equal(expected, AnswerJudge.IsAuthoritative(kind, Answer(verdict, check)));

    [Fact]
    public void TooFewAuthoritative_OnlyCannotTell_NamesEveryScanKind()
    {
        var calls = new[] { LoadCallKind.Fresh, LoadCallKind.Replay, LoadCallKind.Revoked }
            .Select(k => new LoadCall(k, 0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), Grpc.Core.StatusCode.OK, "StatusUnavailable/Unspecified", null, true));
        var report = FaultWindowReport.For("cannot tell", calls, TimeSpan.Zero, TimeSpan.MaxValue);

        var message = report.TooFewAuthoritative(1);

        Assert.NotNull(message);
        Assert.Contains("Fresh 0", message, StringComparison.Ordinal);
        Assert.Contains("Replay 0", message, StringComparison.Ordinal);
        Assert.Contains("Revoked 0", message, StringComparison.Ordinal);
    }
}
