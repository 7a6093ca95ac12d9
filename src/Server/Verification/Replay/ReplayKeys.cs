using StackExchange.Redis;

namespace ELicense.Server.Verification.Replay;

/// <summary>
/// The replay guard's Redis key names. A Redis Cluster runs a script only when all its keys share a hash
/// slot, and a failover loses claims per shard; so the claims are spread over <see cref="Count"/> buckets,
/// each with its own epoch, loss marks, replica heartbeats and master replication id, all hash-tagged
/// "{bNN}" into one slot: every script touches one bucket, and a loss is found and marked per bucket.
/// On a single Redis the tags are just part of the names.
/// </summary>
public static class ReplayKeys
{
    /// <summary>
    /// Buckets. Enough that three to a dozen masters each get a fair share (16 leave three masters uneven),
    /// few enough that the probe (one script per bucket per heartbeat, pipelined) stays cheap: 64 × 4/s per replica.
    /// </summary>
    public const int Count = 64;

    /// <summary>The bucket of a token id (its low six bits: token ids are random).</summary>
    public static int BucketOf(UInt128 tokenKey) => (int)(tokenKey % Count);

    /// <summary>The claim of one token id.</summary>
    public static RedisKey Claim(string prefix, int bucket, string tokenIdHex) => Tag(prefix, bucket) + tokenIdHex;

    /// <summary>
    /// The keys of a bucket, in the order the claim script takes them after the claim: epoch sentinel, loss marks
    /// (hash), heartbeats (hash), the replication id of the master that last answered.
    /// </summary>
    public static RedisKey[] Shared(string prefix, int bucket, RedisKey claim)
    {
        var tag = Tag(prefix, bucket);
        return [claim, tag + "epoch", tag + "incomplete", tag + "replicas", tag + "replid"];
    }

    /// <summary>The probe's stand-in for a claim key (never written: the probe claims nothing).</summary>
    public static RedisKey Probe(string prefix, int bucket) => Tag(prefix, bucket) + "probe";

    /// <summary>The heartbeats of a bucket.</summary>
    public static RedisKey Beats(string prefix, int bucket) => Tag(prefix, bucket) + "replicas";

    /// <summary>
    /// The previous build's keys (before issue 16: one epoch and one heartbeat hash for all claims, claims at
    /// "rp:&lt;hex&gt;"), each with a companion hash-tagged onto its slot (the whole name of an untagged key is hashed).
    /// </summary>
    public static (RedisKey Epoch, RedisKey RetiredEpoch, RedisKey Beats, RedisKey Marks) Legacy(string prefix) =>
        (prefix + "rp:epoch", "{" + prefix + "rp:epoch}:retired", prefix + "rp:replicas", prefix + "rp:incomplete");

    private static string Tag(string prefix, int bucket) => prefix + "rp:{b" + bucket.ToString("d2", System.Globalization.CultureInfo.InvariantCulture) + "}:";
}
