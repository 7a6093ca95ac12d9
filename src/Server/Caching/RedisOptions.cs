namespace ELicense.Server.Caching;

/// <summary>Configuration section "Redis".</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string such as "127.0.0.1:6379". Empty: no Redis, so each
    /// replica caches in memory only and replay checks are local (a warning is logged at start).
    /// </summary>
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of every key and channel, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "el:v1:";
}
