namespace ELicense.Server.Auditing;

/// <summary>The audit trail could not durably record an audited call; the call must not be answered as if it had been.</summary>
public sealed class AuditUnavailableException(string message, Exception? innerException) : Exception(message, innerException);
