using System.Text;

namespace ELicense.Testing;

/// <summary>
/// Redis Cluster's key → slot rule (CRC16/XMODEM of the key, or of the text inside the first non-empty
/// <c>{...}</c>, mod 16384), computed here so a test can ask which master owns a key without a round trip.
/// </summary>
public static class RedisClusterSlots
{
    /// <summary>The number of hash slots in a Redis Cluster.</summary>
    public const int Count = 16384;

    /// <summary>The slot of <paramref name="key"/> (UTF-8), hash tags honoured.</summary>
    public static int Of(string key) => Of(Encoding.UTF8.GetBytes(key));

    /// <summary>The slot of a binary key, hash tags honoured.</summary>
    public static int Of(ReadOnlySpan<byte> key)
    {
        var open = key.IndexOf((byte)'{');
        if (open >= 0)
        {
            var close = key[(open + 1)..].IndexOf((byte)'}');
            if (close > 0)
            {
                key = key.Slice(open + 1, close);
            }
        }

        return Crc16(key) % Count;
    }

    private static int Crc16(ReadOnlySpan<byte> data)
    {
        var crc = 0;
        foreach (var b in data)
        {
            crc ^= b << 8;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }

        return crc & 0xFFFF;
    }
}
