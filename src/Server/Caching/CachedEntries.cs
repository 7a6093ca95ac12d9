namespace ELicense.Server.Caching;

public sealed partial class LicenseEntry : ICachedEntry
{
    public bool IsNegative => License is null;
}

public sealed partial class VehicleEntry : ICachedEntry
{
    public bool IsNegative => Vehicle is null;
}
