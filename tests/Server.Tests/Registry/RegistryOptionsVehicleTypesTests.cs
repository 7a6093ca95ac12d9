using ELicense.Core.Rules;
using ELicense.Server.Registry;
using Xunit;

namespace ELicense.Server.Tests.Registry;

/// <summary>Registry:VehicleTypesPath: the embedded catalogue when unset, the file's when set, a start failure naming the line when malformed.</summary>
public sealed class RegistryOptionsVehicleTypesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-vehicle-types-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void LoadVehicleTypes_Unset_IsTheEmbeddedCatalogue()
    {
        var options = new RegistryOptions();

        Assert.Empty(options.Validate());
        Assert.Same(VehicleTypeCatalog.Default, options.LoadVehicleTypes());
    }

    [Fact]
    public void LoadVehicleTypes_File_IsTheFilesCatalogue()
    {
        var options = new RegistryOptions { VehicleTypesPath = Write("K99|试验车|test car|K9|C1|-|small\n") };

        Assert.Empty(options.Validate());
        Assert.Equal(["K99"], options.LoadVehicleTypes().All.Select(t => t.Code));
    }

    [Fact]
    public void Validate_MalformedFile_NamesTheSettingFileAndLine()
    {
        var path = Write("# comment\n\nK33|小型轿车|small sedan|K3|C1|C2\n");
        var options = new RegistryOptions { VehicleTypesPath = path };

        var error = Assert.Single(options.Validate());

        Assert.StartsWith($"Registry:VehicleTypesPath: {path}:3: expected 7 fields", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingFile_IsAnError()
    {
        var options = new RegistryOptions { VehicleTypesPath = Path.Combine(_directory, "absent.txt") };

        Assert.Contains("Registry:VehicleTypesPath", Assert.Single(options.Validate()), StringComparison.Ordinal);
    }

    private string Write(string text)
    {
        var path = Path.Combine(_directory, "types.txt");
        File.WriteAllText(path, text);
        return path;
    }
}
