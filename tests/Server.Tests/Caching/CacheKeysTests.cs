using System.Security.Cryptography;
using System.Text;
using ELicense.Server.Caching;
using ELicense.Server.Registry;
using ELicense.V1;
using Xunit;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Tests.Caching;

public sealed class CacheKeysTests : IDisposable
{
    private const string Licence = "11010519491231002X";
    private const string Vin = "1M8GDM9AXKP042788";

    private static readonly byte[] KeyA = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] KeyB = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    private readonly CacheKeys _keysA = new(RedisKeyMaterial.FromKey(KeyA));
    private readonly CacheKeys _keysB = new(RedisKeyMaterial.FromKey(KeyB));

    public void Dispose()
    {
        _keysA.Dispose();
        _keysB.Dispose();
    }

    [Fact]
    public void License_KnownKey_IsPrefixAndTruncatedHmacUnderTheDerivedHashKey()
    {
        var hashKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, KeyA, 32, info: "elicense-redis-key-hash-v1"u8.ToArray());
        var expected = "lic:" + Convert.ToHexStringLower(HMACSHA256.HashData(hashKey, Encoding.UTF8.GetBytes("L:" + Licence))[..16]);

        Assert.Equal(expected, _keysA.License(Licence));
        Assert.Equal(expected, new CacheKeys(RedisKeyMaterial.FromKey(KeyA)).License(Licence)); // stable across instances (replicas)
    }

    [Fact]
    public void Keys_AnyKind_CarryNoneOfTheValue()
    {
        var plate = new Plate { Number = "京A12345", Type = PlateType.Small };

        string[] keys = [_keysA.License(Licence), _keysA.VehiclePlate(plate), _keysA.VehicleVin(Vin)];

        Assert.Matches("^lic:[0-9a-f]{32}$", keys[0]);
        Assert.Matches("^veh:p:[0-9a-f]{32}$", keys[1]);
        Assert.Matches("^veh:v:[0-9a-f]{32}$", keys[2]);
        Assert.All(keys, k => Assert.DoesNotContain("12345", k, StringComparison.Ordinal));
    }

    [Fact]
    public void Keys_SameTextAsPlateAndVin_DifferByKind()
    {
        var text = "ABC123";
        var asPlate = _keysA.For(new RegistryChange(1, ChangeKind.VehiclePlate, text));
        var asVin = _keysA.For(new RegistryChange(1, ChangeKind.VehicleVin, text));

        Assert.NotEqual(asPlate["veh:p:".Length..], asVin["veh:v:".Length..]);
    }

    [Fact]
    public void Keys_AnotherProtectionKey_DifferentHashes()
    {
        Assert.NotEqual(_keysA.License(Licence), _keysB.License(Licence));
        Assert.NotEqual(_keysA.VehicleVin(Vin), _keysB.VehicleVin(Vin));
    }

    [Fact]
    public void For_RegistryChange_SameKeyAsTheReadOfThatRecord()
    {
        // The change feed and pub/sub name records by the same hash as the reads, or invalidation would miss.
        var plate = new Plate { Number = "沪B00001", Type = PlateType.Large };

        Assert.Equal(_keysA.License(Licence), _keysA.For(new RegistryChange(3, ChangeKind.License, Licence)));
        Assert.Equal(_keysA.VehiclePlate(plate), _keysA.For(new RegistryChange(3, ChangeKind.VehiclePlate, RegistryKeys.Plate(plate))));
        Assert.Equal(_keysA.VehicleVin(Vin), _keysA.For(new RegistryChange(3, ChangeKind.VehicleVin, Vin)));
    }

    [Fact]
    public void License_ManyThreads_EachTheOneShotHmacOfItsValue()
    {
        var values = Enumerable.Range(0, 4_000).Select(i => i % 7 == 0 ? new string('9', 300) + i : $"{Licence[..12]}{i:D6}").ToArray();
        var computed = new string[values.Length];

        Parallel.For(0, values.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => computed[i] = _keysA.License(values[i]));

        var fresh = new CacheKeys(RedisKeyMaterial.FromKey(KeyA));
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(fresh.License(values[i]), computed[i]);
        }
    }

    [Fact]
    public void Fingerprint_SameKeySame_OtherKeyDifferent()
    {
        Assert.Equal(RedisKeyMaterial.FromKey(KeyA).Fingerprint, RedisKeyMaterial.FromKey(KeyA).Fingerprint);
        Assert.NotEqual(RedisKeyMaterial.FromKey(KeyA).Fingerprint, RedisKeyMaterial.FromKey(KeyB).Fingerprint);
        Assert.Matches("^[0-9a-f]{32}$", RedisKeyMaterial.FromKey(KeyA).Fingerprint);
    }
}
