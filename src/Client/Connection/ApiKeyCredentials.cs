using Grpc.Core;
using ELicense.Client.Cli;

namespace ELicense.Client.Connection;

/// <summary>The API key as gRPC call credentials: "authorization: Bearer KEY" on every call.</summary>
public static class ApiKeyCredentials
{
    /// <summary>The metadata key.</summary>
    public const string Header = "authorization";

    /// <summary>The scheme before the key.</summary>
    public const string Scheme = "Bearer";

    /// <summary>Call credentials that add the header to each call's metadata.</summary>
    public static CallCredentials Create(Secret apiKey)
    {
        var value = $"{Scheme} {apiKey.Reveal()}";
        return CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add(Header, value);
            return Task.CompletedTask;
        });
    }
}
