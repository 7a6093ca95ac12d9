using System.Globalization;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Grpc.Core;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The online-only checks: a licence by number, a vehicle and its transfer eligibility by plate, and
/// unprocessed violations. The handheld holds no registry, so each of them needs the server.
/// </summary>
public sealed class Lookups(HandheldContext context, Connectivity link, ShiftLog log)
{
    private const int ViolationsPageSize = 10;

    /// <summary>Looks a licence up by number and shows it in the licence card.</summary>
    public async Task LicenceAsync(string licenseNumber, LookupPurpose purpose, CancellationToken cancellationToken)
    {
        GetLicenseResponse? answer;
        bool reached;
        try
        {
            (reached, answer) = await link.CallAsync((b, ct) => b.GetLicenseAsync(licenseNumber, purpose, ct), cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            (reached, answer) = (true, null);
        }

        if (!reached)
        {
            context.Say(context.Text.NeedsConnection, Tone.Amber);
            return;
        }

        var response = new VerifyCredentialResponse { Verdict = Verdict.LicenseNotFound };
        if (answer is not null)
        {
            response = new VerifyCredentialResponse
            {
                Verdict = answer.ValidNow ? Verdict.Valid : Verdict.LicenseNotValid,
                License = answer.License,
                Violations = answer.Violations,
                Freshness = answer.Freshness,
            };
            response.NotValidReasons.AddRange(answer.NotValidReasons);
        }

        log.Show(new LicenceResult
        {
            Sequence = log.NextSequence(),
            Kind = CheckKind.Lookup,
            Offline = false,
            CheckedAt = context.Time.GetUtcNow(),
            Response = response,
            Purpose = purpose,
        }, subject: Masking.MaskIdentityNumber(licenseNumber));
    }

    /// <summary>Checks the vehicle with <paramref name="plate"/>.</summary>
    public Task VehicleAsync(Plate plate, CancellationToken cancellationToken) => PlateCheckAsync(
        plate, CheckKind.Vehicle, (b, ct) => b.CheckVehicleAsync(plate, ct), answer =>
        {
            var ok = answer.StatusNormal && answer.InspectionValid && answer.InsuranceValid && answer.Freshness?.Stale != true;
            return new PlateAnswer(new Detail.Vehicle(answer), ok, ok ? context.Text.VehicleOk : context.Text.VehicleNotOk,
                ok ? "VEHICLE_OK" : "VEHICLE_NOT_OK",
                string.Join(' ', answer.Vehicle?.Statuses.Where(s => s is not (VehicleStatus.Normal or VehicleStatus.Unspecified)).Select(s => Codes.Of(s)) ?? []));
        }, cancellationToken);

    /// <summary>Checks whether the vehicle with <paramref name="plate"/> may change owner.</summary>
    public Task TransferAsync(Plate plate, CancellationToken cancellationToken) => PlateCheckAsync(
        plate, CheckKind.Transfer, (b, ct) => b.CheckTransferAsync(plate, ct), answer => new PlateAnswer(
            new Detail.Transfer(answer), answer.Eligible, answer.Eligible ? context.Text.Eligible : context.Text.NotEligible,
            answer.Eligible ? "ELIGIBLE" : "NOT_ELIGIBLE", string.Join(' ', answer.Blocks.Select(b => Codes.Of(b.Reason)))),
        cancellationToken);

    /// <summary>Lists the unprocessed violations of the current licence, else of <paramref name="plate"/>.</summary>
    public async Task ViolationsAsync(Plate? plate, CancellationToken cancellationToken)
    {
        var state = context.State;
        var text = context.Text;
        var request = new ListViolationsRequest { UnprocessedOnly = true, PageSize = ViolationsPageSize };
        string subject;
        if (plate is null && state.Current?.LicenseNumber is { } number)
        {
            request.LicenseNumber = number;
            request.Purpose = state.Current.Purpose;
            subject = Masking.MaskIdentityNumber(number);
        }
        else if (plate is not null)
        {
            request.Plate = plate;
            subject = PlateText(plate);
        }
        else
        {
            context.Say(text.NoLicenceYet, Tone.Amber);
            return;
        }

        var (reached, answer) = await link.CallAsync((b, ct) => b.ListViolationsAsync(request, ct), cancellationToken);
        if (!reached)
        {
            context.Say(text.NeedsConnection, Tone.Amber);
            return;
        }

        state.Detail = new Detail.Violations(subject, answer!);
        var count = answer!.Summary?.UnprocessedCount ?? answer.Violations.Count;
        log.Add(CheckKind.Violations, subject, state.Current?.HolderName,
            count == 0 ? text.NoViolations : text.ViolationTotals(count, answer.Summary?.UnprocessedPoints ?? 0, answer.Summary?.UnprocessedFineYuan ?? 0),
            string.Create(CultureInfo.InvariantCulture, $"UNPROCESSED_{count}"), string.Empty, count == 0 ? Tone.Green : Tone.Amber);
    }

    /// <summary>
    /// The one path of every check by plate: call, remember the plate, show the answer under the licence
    /// card, log it. <paramref name="judge"/> turns the server's answer into what is shown and logged.
    /// </summary>
    private async Task PlateCheckAsync<T>(
        Plate plate, CheckKind kind, Func<ICheckBackend, CancellationToken, Task<T>> call, Func<T, PlateAnswer> judge, CancellationToken cancellationToken)
        where T : class
    {
        var (reached, answer) = await link.CallAsync(call, cancellationToken);
        if (!reached)
        {
            context.Say(context.Text.NeedsConnection, Tone.Amber);
            return;
        }

        var judged = judge(answer!);
        context.State.CurrentPlate = plate;
        context.State.Detail = judged.Detail;
        log.Add(kind, PlateText(plate), null, judged.Result, judged.Code, judged.Reasons, judged.Ok ? Tone.Green : Tone.Red);
    }

    private static string PlateText(Plate plate) =>
        string.Create(CultureInfo.InvariantCulture, $"{plate.Number} {(int)plate.Type:D2}");

    /// <summary>What a check by plate shows and logs.</summary>
    private sealed record PlateAnswer(Detail Detail, bool Ok, string Result, string Code, string Reasons);
}
