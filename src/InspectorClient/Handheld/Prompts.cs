using ELicense.Inspector.Localization;
using ELicense.V1;
using ELicense.Client.Cli;

namespace ELicense.Inspector.Handheld;

/// <summary>The follow-up questions the console asks: a plate for the vehicle checks, a purpose for a lookup by number.</summary>
public sealed class Prompts(HandheldContext context)
{
    /// <summary>Asks for a plate; null (with a message when it was not a plate) when none was given.</summary>
    public async Task<Plate?> PlateAsync(AskAsync ask, CancellationToken cancellationToken)
    {
        var line = await ask(context.Text.PlatePrompt, cancellationToken);
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        if (EntryParser.TryParsePlate(line, out var plate))
        {
            return plate;
        }

        context.Say(context.Text.PlateInvalid, Tone.Red);
        return null;
    }

    /// <summary>Asks why a licence is looked up; null when no accepted purpose was given.</summary>
    public async Task<LookupPurpose?> PurposeAsync(AskAsync ask, CancellationToken cancellationToken)
    {
        var line = await ask(context.Text.PurposePrompt, cancellationToken);
        return Purposes.TryParse(line, out var purpose) ? purpose : null;
    }
}
