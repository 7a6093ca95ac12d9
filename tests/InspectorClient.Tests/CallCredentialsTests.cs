using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using ELicense.Inspector.Commands;
using ELicense.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using RpcStatus = Google.Rpc.Status;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Tests;

/// <summary>
/// The API key at the call-credentials level and through the real Grpc.Net.Client pipeline, with an
/// in-memory HTTP handler standing in for the server (it records the request headers and answers with
/// canned gRPC responses).
/// </summary>
public sealed class CallCredentialsTests
{
    private const string Key = "k3y-SUPER-s3cret";

    private static ConnectionOptions Options(string server, string? apiKey = Key, int retries = 0)
    {
        var settings = new GlobalSettings { Server = [server], ApiKey = apiKey, Retries = retries };
        Assert.True(ConnectionOptions.TryResolve(settings, _ => null, "H", out var options, out var error), error);
        return options;
    }

    [Fact]
    public async Task Create_ApiKey_InterceptorAddsBearerHeader()
    {
        var configurator = new CapturingConfigurator();
        ApiKeyCredentials.Create(new Secret(Key)).InternalPopulateConfiguration(configurator, null);
        var metadata = new Metadata();

        await configurator.Interceptor!(new AuthInterceptorContext("https://elicense.example/elicense.v1.HolderService", "ListLicenseChecks"), metadata);

        var entry = Assert.Single(metadata);
        Assert.Equal("authorization", entry.Key);
        Assert.Equal($"Bearer {Key}", entry.Value);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080")]
    [InlineData("http://[::1]:5080")]
    [InlineData("https://elicense.example:8443")]
    public async Task CallAsync_ApiKey_SendsAuthorizationHeader(string server)
    {
        var handler = new FakeServer(_ => FakeServer.Reply(new ListLicenseChecksResponse()));
        using var session = new RpcSession(Options(server), httpHandler: handler);

        await session.CallAsync(o => session.Holder.ListLicenseChecksAsync(new ListLicenseChecksRequest(), o), TestContext.Current.CancellationToken);

        Assert.Equal([$"Bearer {Key}"], Assert.Single(handler.Authorizations));
    }

    [Fact]
    public async Task CallAsync_NoApiKey_SendsNoAuthorizationHeader()
    {
        var handler = new FakeServer(_ => FakeServer.Reply(new ListIssuerKeysResponse()));
        using var session = new RpcSession(Options("http://127.0.0.1:5080", apiKey: null), httpHandler: handler);

        await session.CallAsync(o => session.Verification.ListIssuerKeysAsync(new ListIssuerKeysRequest(), o), TestContext.Current.CancellationToken);

        Assert.Empty(Assert.Single(handler.Authorizations));
    }

    [Fact]
    public async Task GrpcNetClient_CallCredentialsOverHttpWithoutUnsafeFlag_AreDropped()
    {
        // Why RpcSession sets UnsafeUseInsecureChannelCallCredentials for loopback http://: without it the key is silently not sent.
        var handler = new FakeServer(_ => FakeServer.Reply(new ListIssuerKeysResponse()));
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:5080", new GrpcChannelOptions { HttpHandler = handler });
        var client = new VerificationService.VerificationServiceClient(channel);

        await client.ListIssuerKeysAsync(
            new ListIssuerKeysRequest(),
            new CallOptions(credentials: ApiKeyCredentials.Create(new Secret(Key)), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Empty(Assert.Single(handler.Authorizations));
    }

    [Fact]
    public async Task CallAsync_RateLimitedWithRetryInfo_WaitsThenRetriesWithKey()
    {
        var attempts = 0;
        var handler = new FakeServer(_ => Interlocked.Increment(ref attempts) == 1
            ? FakeServer.Fail(new RpcStatus
            {
                Code = (int)Code.ResourceExhausted,
                Message = "slow down",
                Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(20)) }) },
            })
            : FakeServer.Reply(new ListLicenseChecksResponse { NextPageToken = "p2" }));
        var notes = new List<RetryNote>();
        using var session = new RpcSession(Options("http://127.0.0.1:5080", retries: 2), notes.Add, handler);

        var response = await session.CallAsync(
            o => session.Holder.ListLicenseChecksAsync(new ListLicenseChecksRequest(), o), TestContext.Current.CancellationToken);

        Assert.Equal("p2", response.NextPageToken);
        Assert.Equal(2, handler.Authorizations.Count);
        Assert.All(handler.Authorizations, a => Assert.Equal([$"Bearer {Key}"], a));
        var note = Assert.Single(notes);
        Assert.Equal(TimeSpan.FromMilliseconds(20), note.Delay);
        Assert.Equal(StatusCode.ResourceExhausted, Assert.IsType<RpcException>(note.Exception).StatusCode);
    }

    [Fact]
    public async Task CallAsync_Unauthenticated_SurfacesStatusWithRichDetails()
    {
        var handler = new FakeServer(_ => FakeServer.Fail(new RpcStatus
        {
            Code = (int)Code.Unauthenticated,
            Message = "no credentials",
            Details = { Any.Pack(new ErrorInfo { Reason = "NO_CREDENTIALS", Domain = "elicense.v1" }) },
        }));
        using var session = new RpcSession(Options("http://127.0.0.1:5080", apiKey: null, retries: 2), httpHandler: handler);

        var exception = await Assert.ThrowsAsync<RpcException>(() => session.CallAsync(
            o => session.Verification.ListIssuerKeysAsync(new ListIssuerKeysRequest(), o), TestContext.Current.CancellationToken));

        Assert.Equal(StatusCode.Unauthenticated, exception.StatusCode);
        Assert.Equal("NO_CREDENTIALS", exception.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        Assert.Single(handler.Authorizations);
    }

    private sealed class CapturingConfigurator : CallCredentialsConfiguratorBase
    {
        public AsyncAuthInterceptor? Interceptor { get; private set; }

        public override void SetAsyncAuthInterceptorCredentials(object? state, AsyncAuthInterceptor interceptor) => Interceptor = interceptor;

        public override void SetCompositeCredentials(object? state, IReadOnlyList<CallCredentials> credentials) =>
            throw new InvalidOperationException("not composite");
    }

    /// <summary>An in-memory gRPC server: records each request's authorization values, answers with the given response.</summary>
    private sealed class FakeServer(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        private readonly List<string[]> _authorizations = [];

        public List<string[]> Authorizations
        {
            get
            {
                lock (_authorizations)
                {
                    return _authorizations.ToList();
                }
            }
        }

        public static HttpResponseMessage Reply(IMessage message)
        {
            var body = message.ToByteArray();
            var framed = new byte[5 + body.Length];
            BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)body.Length);
            body.CopyTo(framed, 5);
            var response = Response(framed);
            response.TrailingHeaders.Add("grpc-status", "0");
            return response;
        }

        public static HttpResponseMessage Fail(RpcStatus status)
        {
            var response = Response([]);
            response.TrailingHeaders.Add("grpc-status", status.Code.ToString(CultureInfo.InvariantCulture));
            response.TrailingHeaders.Add("grpc-message", status.Message);
            response.TrailingHeaders.Add("grpc-status-details-bin", Convert.ToBase64String(status.ToByteArray()));
            return response;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (_authorizations)
            {
                _authorizations.Add(request.Headers.TryGetValues("authorization", out var values) ? values.ToArray() : []);
            }

            if (request.Content is not null)
            {
                await request.Content.ReadAsByteArrayAsync(cancellationToken);
            }

            return respond(request);
        }

        private static HttpResponseMessage Response(byte[] body)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent(body) };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            return response;
        }
    }
}
