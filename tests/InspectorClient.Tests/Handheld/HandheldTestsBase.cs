using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Tests.Offline;
using ELicense.V1;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Inspector.Tests.Handheld;

/// <summary>
/// A console over a scripted server, a fake clock, one issuer whose key the server lists, and a cache directory
/// of its own; the officer's answers to the console's questions come from <see cref="_answers"/>.
/// </summary>
public abstract class HandheldTestsBase : IDisposable
{
    private protected readonly string _directory = Directory.CreateTempSubdirectory("elicense-handheld-").FullName;
    private protected readonly FakeTimeProvider _time = Samples.Clock();
    private protected readonly FakeBackend _backend = new();
    private protected readonly TestIssuer _issuer = new();
    private protected readonly Queue<string?> _answers = new();

    private protected HandheldTestsBase()
    {
        _backend.Keys.Keys.Add(new IssuerKey { KeyId = _issuer.KeyIdHex, Algorithm = "ES256", PublicKeySpki = ByteString.CopyFrom(_issuer.Spki), Signing = true });
    }

    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <inheritdoc />
    public void Dispose()
    {
        _issuer.Dispose();
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    private protected HandheldController Create(bool forcedOffline = false, UiText? text = null) => new(
        new HandheldOptions("wang", "hh-1", new Uri("http://127.0.0.1:5080"), TimeSpan.FromSeconds(5), forcedOffline, _directory,
            TimeSpan.FromSeconds(10), _directory),
        _backend, text ?? UiText.English, _time, _ => null, _ => false);

    private protected Task<bool> Handle(HandheldController controller, InputEvent input) =>
        controller.HandleAsync(input, (_, _) => Task.FromResult(_answers.Count > 0 ? _answers.Dequeue() : null), Ct);
}
