using System.Globalization;

namespace ELicense.Server.Auditing;

/// <summary>The anchor check and the progress lines of <c>audit verify</c>.</summary>
public static partial class AuditCommand
{
    /// <summary>Why the chain no longer passes through <paramref name="anchor"/>; null when it does.</summary>
    private static async Task<string?> AnchorProblemAsync(IAuditTrailSource trail, (long Sequence, byte[] Hash) anchor, long headSequence,
        CancellationToken ct)
    {
        var found = anchor.Sequence <= headSequence ? await AuditChainVerifier.HashAtAsync(trail, anchor.Sequence, ct) : null;
        if (found is not null && found.AsSpan().SequenceEqual(anchor.Hash))
        {
            return null;
        }

        return found is null
            ? string.Create(CultureInfo.InvariantCulture,
                $"TAMPERED: the chain (head seq {headSequence}) no longer reaches the anchored record seq {anchor.Sequence}: records were removed or the file replaced.")
            : string.Create(CultureInfo.InvariantCulture,
                $"TAMPERED: the chain no longer passes through the anchored record seq {anchor.Sequence} (its hash is now {Convert.ToHexStringLower(found)}): the file was rewritten.");
    }

    /// <summary>Writes a line every 10 % for files above the threshold; synchronous, so lines stay in order.</summary>
    private sealed class ProgressWriter(TextWriter output, long threshold) : IProgress<AuditVerifyProgress>
    {
        private int _lastDecile;

        public void Report(AuditVerifyProgress value)
        {
            if (value.Total <= threshold || value.Total == 0)
            {
                return;
            }

            var decile = (int)(value.Checked * 10 / value.Total);
            if (decile > _lastDecile && decile < 10)
            {
                _lastDecile = decile;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{decile * 10,3}%  {value.Checked:N0}/{value.Total:N0} records checked"));
            }
        }
    }
}
