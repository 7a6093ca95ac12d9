namespace ELicense.Client.Cli;

/// <summary>The process exit codes of the inspector and of elicense-bench, as documented in their --help.</summary>
public static class ExitCodes
{
    /// <summary>Success; for checks: VALID, valid now, vehicle OK, ELIGIBLE.</summary>
    public const int Ok = 0;

    /// <summary>A check's answer is negative: any verdict but VALID, not valid now, vehicle not OK, NOT ELIGIBLE.</summary>
    public const int NotValid = 1;

    /// <summary>Bad command line or input.</summary>
    public const int Usage = 2;

    /// <summary>The call failed: server unreachable, deadline exceeded, or an error status (UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED…).</summary>
    public const int RpcFailure = 3;

    /// <summary>An unexpected internal error.</summary>
    public const int Internal = 4;

    /// <summary>elicense-bench: a service-level gate failed (--max-p99, --max-error-rate).</summary>
    public const int GateFailed = 5;

    /// <summary>Cancelled with Ctrl+C.</summary>
    public const int Cancelled = 130;

    /// <summary>Every exit code, for elicense-bench's help text.</summary>
    public static readonly IReadOnlyList<(int Code, string Meaning)> Table =
    [
        (Ok, "success; VALID / valid now / vehicle OK / ELIGIBLE"),
        (NotValid, "any other verdict (NOT VALID, not valid now, vehicle not OK, NOT ELIGIBLE)"),
        (Usage, "usage error (bad option, missing argument, empty input)"),
        (RpcFailure, "RPC failure (server unreachable, deadline exceeded, not authenticated, permission denied, rate limited, other error status)"),
        (Internal, "unexpected internal error"),
        (GateFailed, "elicense-bench: a gate failed (--max-p99, --max-error-rate); the report says which"),
        (Cancelled, "cancelled (Ctrl+C)"),
    ];

    /// <summary>The inspector's exit codes (every one but the load generator's gate), for its help text.</summary>
    public static readonly IReadOnlyList<(int Code, string Meaning)> InspectorTable = Table.Where(e => e.Code != GateFailed).ToArray();
}
