using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Xunit;

namespace ELicense.IntegrationTests;

/// <summary>
/// Registry:VehicleTypesPath as a real server process reads it: a malformed catalogue stops the start naming
/// its line; a good one replaces the embedded catalogue for vehicle writes. Each test owns its process and
/// data directory and stops the process in DisposeAsync if it still runs.
/// </summary>
public sealed class VehicleTypesPathTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-vehicle-types-it-").FullName;
    private ServerProcess? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Start_MalformedCatalogue_StopsNamingTheFileAndLine()
    {
        var path = Write("# a deployment's catalogue\nK33|小型轿车|small sedan|K3|C1|C2|small\nK99|试验车|test car|K9|C1|-|huge\n");
        _server = ServerProcess.Start(_directory, [$"--Registry:VehicleTypesPath={path}"]);

        var exitCode = await _server.WaitForExitAsync(Bound, Ct);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Registry:VehicleTypesPath", _server.StandardError, StringComparison.Ordinal);
        Assert.Contains($"{path}:3: plate size 'huge' of K99", _server.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertVehicle_ConfiguredCatalogue_AcceptsItsTypesOnly()
    {
        var path = Write("K99|试验车|test car|K9|C1|-|small\n");
        _server = ServerProcess.Start(_directory, [$"--Registry:VehicleTypesPath={path}"]);
        await _server.WaitUntilListeningAsync(Bound, Ct);
        var registry = new RegistryService.RegistryServiceClient(_server.As(TestCallers.Registry));
        var ours = TestData.NewVehicle();
        ours.VehicleType = "K99";
        var embeddedOnly = TestData.NewVehicle();
        embeddedOnly.VehicleType = "K33"; // in the embedded catalogue, not in this deployment's

        var stored = (await registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = ours }, cancellationToken: Ct)).Vehicle;
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = embeddedOnly }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal("K99", stored.VehicleType);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("vehicle_type", refused.Status.Detail + refused.Trailers.ToString(), StringComparison.Ordinal);
    }

    private string Write(string text)
    {
        var path = Path.Combine(_directory, "vehicle-types.txt");
        File.WriteAllText(path, text);
        return path;
    }
}
