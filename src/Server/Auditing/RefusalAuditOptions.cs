using Microsoft.Extensions.Options;

namespace ELicense.Server.Auditing;

/// <summary>Bounds on what refused calls cost the audit trail and the log ("Audit:Refusals:...").</summary>
public sealed class RefusalAuditOptions
{
    public const string SectionName = "Audit:Refusals";

    /// <summary>
    /// Most distinct refusal records (caller, method, subject, result) kept for one second; past it, the
    /// refusals of further subjects are counted in a record without subject. Bounds a flood that varies
    /// the licence number of each refused call.
    /// </summary>
    public int MaxRecordsPerSecond { get; set; } = 1000;

    /// <summary>Most log lines about malformed requests per second; the rest are summed up in one line.</summary>
    public int MaxLogLinesPerSecond { get; set; } = 5;
}

internal sealed class RefusalAuditOptionsValidator : IValidateOptions<RefusalAuditOptions>
{
    public ValidateOptionsResult Validate(string? name, RefusalAuditOptions options)
    {
        List<string> errors = [];
        if (options.MaxRecordsPerSecond is < 1 or > 1_000_000)
        {
            errors.Add($"{RefusalAuditOptions.SectionName}:{nameof(RefusalAuditOptions.MaxRecordsPerSecond)} must be between 1 and 1000000.");
        }

        if (options.MaxLogLinesPerSecond is < 0 or > 1000)
        {
            errors.Add($"{RefusalAuditOptions.SectionName}:{nameof(RefusalAuditOptions.MaxLogLinesPerSecond)} must be between 0 and 1000.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
