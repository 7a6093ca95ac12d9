using System.ComponentModel;
using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Core.Credentials;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Commands;

/// <summary>Settings of `verify`.</summary>
public sealed class VerifySettings : GlobalSettings
{
    /// <summary>The scanned QR text, or "-" / nothing to read one line from stdin.</summary>
    [CommandArgument(0, "[payload]")]
    [Description("The scanned QR text (\"EDL1:…\" licence or \"EVM1:…\" inspection mark; quote it, Base45 may contain spaces). Omit it, or give \"-\" or --stdin, to read one line from stdin, as a barcode scanner types it.")]
    public string? Payload { get; init; }

    /// <summary>Read the payload from stdin; a lone "-" on the command line means this.</summary>
    [CommandOption("--stdin")]
    [Description("Read the payload as one line from stdin (same as \"-\").")]
    public bool Stdin { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        Stdin && Payload is not null
            ? ValidationResult.Error("give the payload as an argument or read it from stdin, not both")
            : ValidationResult.Success();
}

/// <summary>`verify`: checks one scanned credential and shows the verdict.</summary>
public sealed class VerifyCommand(InspectorEnvironment environment) : InspectorCommand<VerifySettings>(environment)
{
    /// <summary>
    /// The longest payload passed on: the largest any server may publish. The server applies its own,
    /// configured limit (and says MALFORMED past it); this bound only keeps a runaway stdin off the wire.
    /// </summary>
    public const int MaxPayloadLength = CredentialPolicy.MaxPayloadLengthBound;

    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, VerifySettings settings, CancellationToken cancellationToken)
    {
        var payload = settings.Payload is null ? await ReadPayloadAsync(settings, cancellationToken) : settings.Payload;
        if (string.IsNullOrWhiteSpace(payload))
        {
            throw new UsageException("no QR payload given (pass it as an argument or scan it into stdin)");
        }

        if (payload.Length > MaxPayloadLength)
        {
            throw new UsageException($"the QR payload is longer than {MaxPayloadLength} characters");
        }

        if (payload.StartsWith(CredentialPolicy.MarkPrefix, StringComparison.Ordinal))
        {
            // An inspection mark: its own RPC (no one-use rule; the vehicle's live state is checked).
            var mark = await session.CallAsync(
                o => session.Verification.VerifyInspectionMarkAsync(new VerifyInspectionMarkRequest { QrPayload = payload, DeviceId = session.Options.DeviceId }, o),
                cancellationToken);
            return Show(settings, mark, RenderMark, mark.VehicleCheck?.Verdict == VehicleVerdict.Valid ? ExitCodes.Ok : ExitCodes.NotValid);
        }

        var request = new VerifyCredentialRequest { QrPayload = payload, DeviceId = session.Options.DeviceId };
        var response = await session.VerifyAsync(request, cancellationToken);
        return Show(settings, response, VerificationView.Render, response.Verdict == Verdict.Valid ? ExitCodes.Ok : ExitCodes.NotValid);
    }

    /// <summary>The console's mark card, in English, then the server's sentence.</summary>
    public static void RenderMark(IAnsiConsole console, VerifyInspectionMarkResponse response, TimeProvider time)
    {
        var check = response.VehicleCheck ?? new VehicleCheck();
        console.Write(MarkCardView.Build(new MarkResult { Sequence = 0, Offline = false, CheckedAt = time.GetUtcNow(), Response = check }, UiText.English, time));
        if (!string.IsNullOrWhiteSpace(check.Message))
        {
            console.MarkupLine($"[grey]server: {Markup.Escape(check.Message)}[/]");
        }
    }

    private async Task<string?> ReadPayloadAsync(VerifySettings settings, CancellationToken cancellationToken)
    {
        if (Environment.InputIsInteractive && !settings.Json)
        {
            Environment.Error.MarkupLine("[grey]scan the QR code (or paste it) and press Enter…[/]");
        }

        var line = await Environment.Input.ReadLineAsync(cancellationToken);
        // Only the line ending goes: a space is a valid Base45 character.
        return line?.TrimEnd('\r', '\n');
    }
}
