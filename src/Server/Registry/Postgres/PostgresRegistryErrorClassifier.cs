using ELicense.Server.Postgres;
using Npgsql;

namespace ELicense.Server.Registry.Postgres;

/// <summary>
/// PostgreSQL's transient failures for the registry pipeline: everything <see cref="PostgresErrors.IsTransient"/>
/// calls transient (a lost or refused connection, a server shutting down or starting, a serialization
/// failure or deadlock, too many connections, an exhausted pool — Npgsql's pool wait ends in a
/// <see cref="TimeoutException"/> inside an <see cref="NpgsqlException"/>), plus a statement cancelled by the
/// server (<c>57014</c>: a <c>statement_timeout</c>, an operator's <c>pg_cancel_backend</c>), which another
/// attempt may well finish. Not a cancellation of our own (an <see cref="OperationCanceledException"/>: the
/// pipeline's timeout reports those itself), nor a constraint, a missing relation or a rule's refusal.
/// </summary>
public sealed class PostgresRegistryErrorClassifier : IRegistryErrorClassifier
{
    /// <summary>The one instance (it holds no state).</summary>
    public static PostgresRegistryErrorClassifier Instance { get; } = new();

    public bool IsTransient(Exception? exception)
    {
        if (exception is null or OperationCanceledException or RegistryRuleException)
        {
            return false;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled })
            {
                return true;
            }
        }

        return PostgresErrors.IsTransient(exception);
    }
}
