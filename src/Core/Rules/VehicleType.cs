namespace ELicense.Core.Rules;

/// <summary>Which number plate a vehicle type is registered under (large yellow, small blue, motorcycle, light motorcycle, or none of the contract's).</summary>
public enum PlateSize
{
    /// <summary>
    /// Registered under a plate the contract has no type for yet (low-speed, trolleybus, tram, machinery…):
    /// it fits none of the contract's plate types, so a write refuses it on every one.
    /// </summary>
    Other = 0,

    /// <summary>01 / 51: buses, medium and heavy trucks, tractor units.</summary>
    Large = 1,

    /// <summary>02 / 52: small and mini passenger cars, light and mini trucks.</summary>
    Small = 2,

    /// <summary>07: ordinary two- and three-wheeled motorcycles (classes D and E).</summary>
    Motorcycle = 3,

    /// <summary>08: light motorcycles, mopeds (class F).</summary>
    LightMotorcycle = 4,
}

/// <summary>
/// One vehicle type (车辆类型, GA 802) of the catalogue and the licence class (准驾车型) it needs.
/// </summary>
/// <param name="Code">The GA 802 code, e.g. "K33"; upper case letter and digits.</param>
/// <param name="NameZh">The Chinese name, e.g. "小型轿车".</param>
/// <param name="NameEn">The English name, e.g. "small sedan".</param>
/// <param name="Family">The family the code belongs to, e.g. "K3" (small passenger cars), for grouping and display.</param>
/// <param name="RequiredClass">The lowest class that entitles one to drive it; every class that includes it does too.</param>
/// <param name="AutomaticClass">
/// A class that entitles one to drive the automatic-transmission variant only (C2 for small cars, "C2 if
/// automatic"), or null when the type has no such variant.
/// </param>
/// <param name="Plate">The plate size it is registered under, so that a plate and a type can be checked against each other.</param>
public sealed record VehicleType(
    string Code, string NameZh, string NameEn, string Family, string RequiredClass, string? AutomaticClass, PlateSize Plate)
{
    /// <summary>"K33 小型轿车 / small sedan": what every view shows of the type.</summary>
    public string Display => $"{Code} {NameZh} / {NameEn}";
}
