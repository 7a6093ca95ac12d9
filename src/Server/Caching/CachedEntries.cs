namespace ELicense.Server.Internal;

public sealed partial class LicenseEntry : Caching.ICachedEntry
{
    public bool IsNegative => License is null;
}

public sealed partial class VehicleEntry : Caching.ICachedEntry
{
    public bool IsNegative => Vehicle is null;
}
