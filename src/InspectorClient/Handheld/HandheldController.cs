using System.Globalization;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Offline;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Grpc.Core;
using ELicense.Core.Identifiers;

namespace ELicense.Inspector.Handheld;

/// <summary>The console's fixed settings.</summary>
/// <param name="Officer">Who is on shift (shown and exported).</param>
/// <param name="DeviceId">This handheld's id (sent with scans).</param>
/// <param name="Server">The server's URL.</param>
/// <param name="Deadline">The per-attempt deadline, for error texts.</param>
/// <param name="ForcedOffline">--offline: never call the server.</param>
/// <param name="CacheDirectory">Where the key cache and the offline queue live.</param>
/// <param name="ProbeInterval">How often an idle console checks the connection.</param>
/// <param name="ExportDirectory">Where CSV exports go by default.</param>
public sealed record HandheldOptions(
    string Officer,
    string DeviceId,
    Uri Server,
    TimeSpan Deadline,
    bool ForcedOffline,
    string CacheDirectory,
    TimeSpan ProbeInterval,
    string ExportDirectory);

/// <summary>Asks the officer for one more line (a plate, a purpose, a file name); null when nothing was given.</summary>
public delegate Task<string?> AskAsync(string prompt, CancellationToken cancellationToken);

/// <summary>
/// The handheld's logic, apart from the terminal: what each input does, online first and offline when the
/// server cannot be reached, the queue of offline checks and their re-verification, the shift history.
/// The screen is drawn from <see cref="State"/>.
/// </summary>
public sealed class HandheldController : IDisposable
{
    private const int ViolationsPageSize = 10;

    private readonly HandheldOptions _options;
    private readonly ICheckBackend? _backend;
    private readonly TimeProvider _time;
    private readonly Func<string, string?> _getVariable;
    private readonly Func<string, bool> _fileExists;
    private readonly IssuerKeyCache _keyCache;
    private readonly FileStream _lock;

    // The server's refusals of codes in this shift (revoked, replayed, unknown licence), by token id: a
    // code the server refused is never made VALID again by an offline re-scan after the connection drops.
    private readonly Dictionary<string, (VerifyCredentialResponse Answer, DateTimeOffset At)> _liveRefusals = new(StringComparer.Ordinal);
    private OfflineVerifier? _verifier;
    private int _sequence;
    private long _lastProbe;
    private bool _syncDue;
    private bool _syncing;

    /// <summary>Loads the offline queue; <paramref name="backend"/> null means no server at all.</summary>
    public HandheldController(
        HandheldOptions options,
        ICheckBackend? backend,
        UiText text,
        TimeProvider time,
        Func<string, string?> getVariable,
        Func<string, bool>? fileExists = null)
    {
        _options = options;
        _backend = backend;
        _time = time;
        _getVariable = getVariable;
        _fileExists = fileExists ?? File.Exists;
        Text = text;
        State = new HandheldState(options.Officer, options.DeviceId, options.Server.ToString());
        PrivateFile.EnsureDirectory(options.CacheDirectory);
        _lock = Lock(options.CacheDirectory);
        _keyCache = new IssuerKeyCache(options.CacheDirectory);
        try
        {
            Queue = OfflineQueue.Load(options.CacheDirectory, time.GetUtcNow());
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
    }

    /// <summary>What the screen shows.</summary>
    public HandheldState State { get; }

    /// <summary>The console's words.</summary>
    public UiText Text { get; }

    /// <summary>The offline checks waiting for the server.</summary>
    public OfflineQueue Queue { get; }

    /// <summary>Loads the cached keys, lists the queue from earlier shifts, and probes the server.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_keyCache.Load(out var problem) is { } cached)
        {
            // Keys fetched from another server (a training or test one) must not pass that server's codes here.
            if (Uri.TryCreate(cached.Server, UriKind.Absolute, out var from) && from == _options.Server)
            {
                UseKeys(cached);
            }
            else
            {
                Say(Text.KeyCacheOtherServer(cached.Server), Tone.Amber);
            }
        }
        else if (problem != KeyCacheProblem.None)
        {
            Say(problem == KeyCacheProblem.NotPrivate ? Text.KeyCacheNotPrivate(_keyCache.Path) : Text.KeyCacheUnreadable(_keyCache.Path), Tone.Red);
        }

        if (Queue.SetAsidePath is { } aside)
        {
            Say(Text.QueueUnreadable(aside), Tone.Red);
        }

        // Checks queued in an earlier session are part of this shift's unfinished business.
        foreach (var queued in Queue.Items)
        {
            State.History.Add(new HistoryEntry
            {
                Sequence = ++_sequence,
                At = queued.CheckedAt,
                Kind = CheckKind.Scan,
                Subject = Masking.MaskIdentityNumber(queued.LicenseNumber ?? "?"),
                Result = queued.OfflineVerdict == Verdict.Valid ? Text.Valid : Text.NotValid,
                ResultCode = Codes.Of(queued.OfflineVerdict),
                Tone = queued.OfflineVerdict == Verdict.Valid ? Tone.Amber : Tone.Red,
                Offline = true,
                Sync = SyncState.Pending,
                TokenId = queued.TokenId,
                QueueId = queued.Id,
            });
        }

        State.Queued = Queue.Items.Count;
        if (_options.ForcedOffline || _backend is null)
        {
            State.Connection = ConnectionState.ForcedOffline;
            return;
        }

        await RunSafelyAsync(ProbeAndSyncAsync, cancellationToken);
    }

    /// <summary>Handles one input; false when the shift ends.</summary>
    public async Task<bool> HandleAsync(InputEvent input, AskAsync ask, CancellationToken cancellationToken)
    {
        switch (input)
        {
            case InputEvent.End:
            case InputEvent.Key { Action: Hotkey.Quit }:
                return false;
            case InputEvent.Tick:
                await RunSafelyAsync(TickAsync, cancellationToken);
                return true;
            case InputEvent.Key key:
                State.Message = null;
                await RunSafelyAsync(ct => HandleKeyAsync(key.Action, ask, ct), cancellationToken);
                break;
            case InputEvent.Line line:
                State.Message = null;
                await RunSafelyAsync(ct => HandleLineAsync(line.Text, ask, ct), cancellationToken);
                break;
        }

        // The server answered again after an outage: the queued checks go now, not at the next idle tick.
        if (_syncDue && State.Connection == ConnectionState.Online && Queue.Items.Count > 0)
        {
            await RunSafelyAsync(SyncAsync, cancellationToken);
        }

        return true;
    }

    /// <summary>Checks a scanned payload: online when the server answers, else on the handheld.</summary>
    public async Task ScanAsync(string payload, string? source, CancellationToken cancellationToken)
    {
        if (payload.Length > OfflineVerifier.MaxPayloadLength)
        {
            Say(Text.Describe(Verdict.Malformed), Tone.Red);
            return;
        }

        var (reached, live) = await CallAsync((b, ct) => b.VerifyAsync(payload, _options.DeviceId, ct), cancellationToken);
        if (reached)
        {
            RememberRefusal(live!);
            Show(new LicenceResult
            {
                Sequence = ++_sequence,
                Kind = CheckKind.Scan,
                Offline = false,
                CheckedAt = _time.GetUtcNow(),
                Response = live!,
                Source = source,
            });
            if (source is not null)
            {
                Say(Text.DecodedFrom(source), Tone.Grey);
            }

            return;
        }

        if (_verifier is null)
        {
            State.Current = null;
            State.Detail = null;
            Say(Text.NoKeysForOffline, Tone.Red);
            return;
        }

        var now = _time.GetUtcNow();
        var response = TerminalText.Clean(_verifier.Verify(payload));
        var tokenId = response.Credential?.TokenId;
        // The same code already checked on this device (offline, or online before the connection went): a repeat.
        var earlier = tokenId is null ? null : State.History.FirstOrDefault(h => h.TokenId == tokenId);
        if (response.Verdict == Verdict.Valid && tokenId is not null && _liveRefusals.TryGetValue(tokenId, out var refused))
        {
            // The signature still verifies, but the server has already refused this very code: its answer stands.
            Show(new LicenceResult
            {
                Sequence = ++_sequence,
                Kind = CheckKind.Scan,
                Offline = true,
                CheckedAt = now,
                Response = refused.Answer.Clone(),
                OfflineFirstSeen = earlier?.At ?? refused.At,
                Source = source,
            });
            Say(Text.RefusedEarlier(Verdicts.LocalTime(refused.At, _time)), Tone.Red);
            return;
        }

        string? queueId = null;
        string? notSaved = null;
        // Worth re-verifying: a pass, a licence the snapshot calls not valid, and a key the cache may not have had yet.
        if (earlier is null && response.Verdict is Verdict.Valid or Verdict.LicenseNotValid or Verdict.UnknownKey)
        {
            queueId = Guid.NewGuid().ToString("N");
            try
            {
                Queue.Add(new QueuedCheck(queueId, payload, _options.DeviceId, now, response.Verdict, tokenId,
                    response.Credential?.Snapshot?.LicenseNumber, response.Credential?.ExpireTime?.ToDateTimeOffset()));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The check stays queued in memory and is written with the next save; the officer still gets the answer.
                notSaved = e.Message;
            }

            State.Queued = Queue.Items.Count;
        }

        Show(new LicenceResult
        {
            Sequence = ++_sequence,
            Kind = CheckKind.Scan,
            Offline = true,
            CheckedAt = now,
            Response = response,
            OfflineFirstSeen = earlier?.At,
            Source = source,
            QueueId = queueId,
        });
        if (notSaved is not null)
        {
            Say(Text.QueueNotSaved(notSaved), Tone.Red);
            return;
        }

        Say(queueId is not null ? Text.QueuedForSync : source is not null ? Text.DecodedFrom(source) : Text.OfflineLabel, Tone.Amber);
    }

    /// <summary>Looks a licence up by number (online only: the handheld holds no registry).</summary>
    public async Task LookupAsync(string licenseNumber, LookupPurpose purpose, CancellationToken cancellationToken)
    {
        GetLicenseResponse? answer;
        bool reached;
        try
        {
            (reached, answer) = await CallAsync((b, ct) => b.GetLicenseAsync(licenseNumber, purpose, ct), cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            (reached, answer) = (true, null);
        }

        if (!reached)
        {
            Say(Text.NeedsConnection, Tone.Amber);
            return;
        }

        var response = new VerifyCredentialResponse { Verdict = Verdict.LicenseNotFound };
        if (answer is not null)
        {
            response = new VerifyCredentialResponse
            {
                Verdict = answer.ValidNow ? Verdict.Valid : Verdict.LicenseNotValid,
                License = answer.License,
                Violations = answer.Violations,
                Freshness = answer.Freshness,
            };
            response.NotValidReasons.AddRange(answer.NotValidReasons);
        }

        Show(new LicenceResult
        {
            Sequence = ++_sequence,
            Kind = CheckKind.Lookup,
            Offline = false,
            CheckedAt = _time.GetUtcNow(),
            Response = response,
            Purpose = purpose,
        }, subject: Masking.MaskIdentityNumber(licenseNumber));
    }

    /// <summary>Checks the vehicle with <paramref name="plate"/>.</summary>
    public async Task VehicleAsync(Plate plate, CancellationToken cancellationToken)
    {
        var (reached, answer) = await CallAsync((b, ct) => b.CheckVehicleAsync(plate, ct), cancellationToken);
        if (!reached)
        {
            Say(Text.NeedsConnection, Tone.Amber);
            return;
        }

        State.CurrentPlate = plate;
        State.Detail = new Detail.Vehicle(answer!);
        var ok = answer!.StatusNormal && answer.InspectionValid && answer.InsuranceValid && answer.Freshness?.Stale != true;
        AddHistory(CheckKind.Vehicle, PlateText(plate), null, ok ? Text.VehicleOk : Text.VehicleNotOk, ok ? "VEHICLE_OK" : "VEHICLE_NOT_OK",
            string.Join(' ', answer.Vehicle?.Statuses.Where(s => s is not (VehicleStatus.Normal or VehicleStatus.Unspecified)).Select(s => Codes.Of(s)) ?? []),
            ok ? Tone.Green : Tone.Red);
    }

    /// <summary>Checks whether the vehicle with <paramref name="plate"/> may change owner.</summary>
    public async Task TransferAsync(Plate plate, CancellationToken cancellationToken)
    {
        var (reached, answer) = await CallAsync((b, ct) => b.CheckTransferAsync(plate, ct), cancellationToken);
        if (!reached)
        {
            Say(Text.NeedsConnection, Tone.Amber);
            return;
        }

        State.CurrentPlate = plate;
        State.Detail = new Detail.Transfer(answer!);
        AddHistory(CheckKind.Transfer, PlateText(plate), null, answer!.Eligible ? Text.Eligible : Text.NotEligible,
            answer.Eligible ? "ELIGIBLE" : "NOT_ELIGIBLE", string.Join(' ', answer.Blocks.Select(b => Codes.Of(b.Reason))),
            answer.Eligible ? Tone.Green : Tone.Red);
    }

    /// <summary>Lists the unprocessed violations of the current licence, else of <paramref name="plate"/>.</summary>
    public async Task ViolationsAsync(Plate? plate, CancellationToken cancellationToken)
    {
        var request = new ListViolationsRequest { UnprocessedOnly = true, PageSize = ViolationsPageSize };
        string subject;
        if (plate is null && State.Current?.LicenseNumber is { } number)
        {
            request.LicenseNumber = number;
            request.Purpose = State.Current.Purpose;
            subject = Masking.MaskIdentityNumber(number);
        }
        else if (plate is not null)
        {
            request.Plate = plate;
            subject = PlateText(plate);
        }
        else
        {
            Say(Text.NoLicenceYet, Tone.Amber);
            return;
        }

        var (reached, answer) = await CallAsync((b, ct) => b.ListViolationsAsync(request, ct), cancellationToken);
        if (!reached)
        {
            Say(Text.NeedsConnection, Tone.Amber);
            return;
        }

        State.Detail = new Detail.Violations(subject, answer!);
        var count = answer!.Summary?.UnprocessedCount ?? answer.Violations.Count;
        AddHistory(CheckKind.Violations, subject, State.Current?.HolderName,
            count == 0 ? Text.NoViolations : Text.ViolationTotals(count, answer.Summary?.UnprocessedPoints ?? 0, answer.Summary?.UnprocessedFineYuan ?? 0),
            string.Create(CultureInfo.InvariantCulture, $"UNPROCESSED_{count}"), string.Empty, count == 0 ? Tone.Green : Tone.Amber);
    }

    /// <summary>
    /// Re-verifies the queued offline checks online, oldest first, and flags each one whose live answer
    /// would have changed the decision. Stops at the first call that cannot reach the server.
    /// </summary>
    public async Task<IReadOnlyList<SyncResult>> SyncAsync(CancellationToken cancellationToken)
    {
        if (_syncing || Queue.Items.Count == 0)
        {
            return [];
        }

        _syncing = true;
        _syncDue = false;
        var results = new List<SyncResult>();
        try
        {
            foreach (var check in Queue.Items.ToList())
            {
                var (reached, live) = await CallAsync((b, ct) => b.VerifyAsync(check.Payload, check.DeviceId, ct), cancellationToken);
                if (!reached)
                {
                    break;
                }

                GetLicenseResponse? lookup = null;
                var notFound = false;
                // A check queued for a key the cache did not know has no licence number of its own: the
                // server, which knows the key, names it in the claims it verified.
                if (SyncRules.NeedsLookup(live!) && (check.LicenseNumber ?? live!.Credential?.Snapshot?.LicenseNumber) is { Length: > 0 } number)
                {
                    try
                    {
                        (reached, lookup) = await CallAsync((b, ct) => b.GetLicenseAsync(number, LookupPurpose.RoadsideCheck, ct), cancellationToken);
                        if (!reached)
                        {
                            break;
                        }
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                    {
                        notFound = true;
                    }
                }

                RememberRefusal(live!);
                var result = SyncRules.Compare(check, live!, lookup, notFound);
                results.Add(result);
                if (result.Outcome == SyncOutcome.Unresolved)
                {
                    continue;
                }

                Queue.Remove(check.Id);
                if (State.History.FirstOrDefault(h => h.QueueId == check.Id) is { } entry)
                {
                    entry.Sync = result.Outcome == SyncOutcome.Differs ? SyncState.Differs : SyncState.Confirmed;
                    entry.LiveResultCode = LiveCode(result);
                }
            }
        }
        finally
        {
            _syncing = false;
            State.Queued = Queue.Items.Count;
        }

        if (results.Count > 0)
        {
            State.Detail = new Detail.Sync(results);
            var differs = results.Count(r => r.Outcome == SyncOutcome.Differs);
            var confirmed = results.Count(r => r.Outcome == SyncOutcome.Confirmed);
            Say(Text.SyncSummary(results.Count, confirmed, differs), differs > 0 ? Tone.Red : Tone.Green);
        }

        return results;
    }

    /// <summary>Fetches the issuer's keys (measuring the round trip) and caches them on disk.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        _lastProbe = _time.GetTimestamp();
        var (reached, keys) = await CallAsync((b, ct) => b.ListIssuerKeysAsync(ct), cancellationToken);
        if (!reached)
        {
            return;
        }

        var cached = CachedIssuerKeys.From(keys!, _options.Server, _time.GetUtcNow());
        UseKeys(cached);
        try
        {
            _keyCache.Save(cached);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Say($"{Text.Error}: {e.Message}", Tone.Red);
        }
    }

    /// <summary>Writes the shift history as CSV to <paramref name="path"/> (default: a dated file in the export directory).</summary>
    public string Export(string? path)
    {
        var local = TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _time.LocalTimeZone);
        var target = string.IsNullOrWhiteSpace(path)
            ? Path.Combine(_options.ExportDirectory, string.Create(CultureInfo.InvariantCulture, $"shift-{_options.DeviceId}-{local:yyyyMMdd-HHmmss}.csv"))
            : EntryParser.UnquotePath(path, _getVariable);
        ShiftCsv.Write(target, State.History, _options.Officer, _options.DeviceId, _time.LocalTimeZone);
        return Path.GetFullPath(target);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _verifier?.Dispose();
        _lock.Dispose();
    }

    /// <summary>
    /// Takes the cache directory for this console alone: two consoles writing one queue file would lose
    /// each other's checks.
    /// </summary>
    private static FileStream Lock(string directory)
    {
        var path = Path.Combine(directory, "console.lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new Connection.UsageException(
                $"another inspector console is using the cache directory {directory} (its offline queue); give this one another --cache-dir", e);
        }
    }

    private async Task HandleLineAsync(string line, AskAsync ask, CancellationToken cancellationToken)
    {
        switch (EntryParser.Parse(line, _getVariable, _fileExists))
        {
            case Entry.Scan scan:
                await ScanAsync(scan.Payload, null, cancellationToken);
                break;
            case Entry.Image image:
                await ScanImageAsync(image.Path, cancellationToken);
                break;
            case Entry.MissingFile missing:
                Say(Text.ImageUnreadable(missing.Path), Tone.Red);
                break;
            case Entry.LicenceNumber licence:
                var purpose = licence.Purpose ?? await AskPurposeAsync(ask, cancellationToken);
                if (purpose is null)
                {
                    Say(Text.PurposeRequired, Tone.Amber);
                    break;
                }

                await LookupAsync(licence.Number, purpose.Value, cancellationToken);
                break;
            case Entry.PlateNumber plate:
                await VehicleAsync(plate.Plate, cancellationToken);
                break;
            case Entry.Unrecognised:
                Say(Text.Unrecognised, Tone.Red);
                break;
        }
    }

    private async Task HandleKeyAsync(Hotkey action, AskAsync ask, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case Hotkey.Vehicle when await AskPlateAsync(ask, cancellationToken) is { } plate:
                await VehicleAsync(plate, cancellationToken);
                break;
            case Hotkey.Transfer when (State.CurrentPlate ?? await AskPlateAsync(ask, cancellationToken)) is { } plate:
                await TransferAsync(plate, cancellationToken);
                break;
            case Hotkey.Violations when State.Current?.LicenseNumber is not null:
                await ViolationsAsync(null, cancellationToken);
                break;
            case Hotkey.Violations when (State.CurrentPlate ?? await AskPlateAsync(ask, cancellationToken)) is { } plate:
                await ViolationsAsync(plate, cancellationToken);
                break;
            case Hotkey.NewScan:
                State.Current = null;
                State.Detail = null;
                State.CurrentPlate = null;
                Say(Text.Cleared, Tone.Grey);
                break;
            case Hotkey.Sync when State.Connection == ConnectionState.ForcedOffline:
                Say(Text.NeedsConnection, Tone.Amber);
                break;
            case Hotkey.Sync:
                await ProbeAsync(cancellationToken);
                if (State.Connection != ConnectionState.Online)
                {
                    Say(Text.StillOffline, Tone.Amber);
                }
                else if (Queue.Items.Count == 0)
                {
                    Say(Text.NothingQueued, Tone.Grey);
                }
                else
                {
                    await SyncAsync(cancellationToken);
                }

                break;
            case Hotkey.Export:
                var path = await ask(Text.ExportPrompt, cancellationToken);
                try
                {
                    Say(Text.Exported(Export(path)), Tone.Green);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    Say($"{Text.Error}: {e.Message}", Tone.Red);
                }

                break;
        }
    }

    private async Task ScanImageAsync(string path, CancellationToken cancellationToken)
    {
        string? text;
        try
        {
            text = QrImageDecoder.Decode(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SixLabors.ImageSharp.UnknownImageFormatException
                                      or SixLabors.ImageSharp.InvalidImageContentException or NotSupportedException)
        {
            Say(Text.ImageUnreadable(path), Tone.Red);
            return;
        }

        if (text is null)
        {
            Say(Text.NoQrInImage(path), Tone.Red);
        }
        else if (!text.StartsWith(OfflineVerifier.Prefix, StringComparison.Ordinal))
        {
            Say(Text.NotLicenceQr, Tone.Red);
        }
        else
        {
            await ScanAsync(text, path, cancellationToken);
        }
    }

    private async Task<Plate?> AskPlateAsync(AskAsync ask, CancellationToken cancellationToken)
    {
        var line = await ask(Text.PlatePrompt, cancellationToken);
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        if (EntryParser.TryParsePlate(line, out var plate))
        {
            return plate;
        }

        Say(Text.PlateInvalid, Tone.Red);
        return null;
    }

    private async Task<LookupPurpose?> AskPurposeAsync(AskAsync ask, CancellationToken cancellationToken)
    {
        var line = await ask(Text.PurposePrompt, cancellationToken);
        return Connection.Purposes.TryParse(line, out var purpose) ? purpose : null;
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (State.Connection == ConnectionState.ForcedOffline || _backend is null
            || _time.GetElapsedTime(_lastProbe) < _options.ProbeInterval)
        {
            return;
        }

        await ProbeAndSyncAsync(cancellationToken);
    }

    private async Task ProbeAndSyncAsync(CancellationToken cancellationToken)
    {
        await ProbeAsync(cancellationToken);
        if (State.Connection == ConnectionState.Online && Queue.Items.Count > 0)
        {
            await SyncAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Calls the server unless forced offline. Not reaching it (connection refused, no answer in time)
    /// marks the console offline and returns false; an answer, even an error status, marks it online.
    /// </summary>
    private async Task<(bool Reached, T? Value)> CallAsync<T>(Func<ICheckBackend, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        if (_backend is null || State.Connection == ConnectionState.ForcedOffline)
        {
            return (false, null);
        }

        var started = _time.GetTimestamp();
        try
        {
            var value = await call(_backend, cancellationToken);
            Reached(started);
            // Every string the server sends is shown somewhere: no terminal control characters in any of them.
            if (value is Google.Protobuf.IMessage message)
            {
                TerminalText.Clean(message);
            }

            return (true, value);
        }
        catch (RpcException e) when (IsUnreachable(e) && !cancellationToken.IsCancellationRequested)
        {
            State.Connection = ConnectionState.Offline;
            State.RoundTrip = null;
            return (false, null);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested && e.StatusCode != StatusCode.Cancelled)
        {
            Reached(started);
            throw;
        }
    }

    private void Reached(long started)
    {
        State.RoundTrip = _time.GetElapsedTime(started);
        if (State.Connection != ConnectionState.Online)
        {
            _syncDue = true;
        }

        State.Connection = ConnectionState.Online;
    }

    /// <summary>A status made on this side because nothing answered, as opposed to one the server sent.</summary>
    private static bool IsUnreachable(RpcException e) =>
        e.StatusCode == StatusCode.DeadlineExceeded || (e.StatusCode == StatusCode.Unavailable && e.Status.DebugException is not null);

    /// <summary>Runs an action and turns an error status into the footer message: the console stays up.</summary>
    private async Task RunSafelyAsync(Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action(cancellationToken);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            var lines = ErrorView.Describe(e, _options.Server, _options.Deadline);
            Say($"{Text.Error}: {string.Join(" ", lines.Select(l => l.Trim()))}", Tone.Red);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The queue file could not be written (a full or read-only disk): the console and its shift history stay up.
            Say(Text.QueueNotSaved(e.Message), Tone.Red);
        }
    }

    private void Show(LicenceResult result, string? subject = null)
    {
        State.Current = result;
        State.Detail = null;
        State.CurrentPlate = null;
        var response = result.Response;
        var reasons = Verdicts.Reasons(response, Text);
        State.History.Add(new HistoryEntry
        {
            Sequence = result.Sequence,
            At = result.CheckedAt,
            Kind = result.Kind,
            Subject = subject ?? (result.LicenseNumber is { } number ? Masking.MaskIdentityNumber(number) : "—"),
            Holder = result.HolderName, HolderWithheld = result.HolderWithheld,
            Result = reasons.Count > 0 ? Text.WithReason(Verdicts.Headline(response, Text), reasons[0]) : Verdicts.Headline(response, Text),
            ResultCode = Verdicts.Code(response),
            Reasons = Verdicts.ReasonCodes(result),
            Tone = result.Tone,
            Offline = result.Offline,
            Sync = result.QueueId is null ? SyncState.None : SyncState.Pending,
            TokenId = response.Credential?.TokenId,
            QueueId = result.QueueId,
        });
    }

    private void AddHistory(CheckKind kind, string subject, string? holder, string result, string code, string reasons, Tone tone) =>
        State.History.Add(new HistoryEntry
        {
            Sequence = ++_sequence,
            At = _time.GetUtcNow(),
            Kind = kind,
            Subject = subject,
            Holder = holder,
            Result = result,
            ResultCode = code,
            Reasons = reasons,
            Tone = tone,
        });

    private void RememberRefusal(VerifyCredentialResponse live)
    {
        if (live.Credential?.TokenId is { Length: > 0 } tokenId
            && live.Verdict is Verdict.Replayed or Verdict.LicenseNotValid or Verdict.LicenseNotFound)
        {
            _liveRefusals[tokenId] = (live, _time.GetUtcNow());
        }
    }

    private void UseKeys(CachedIssuerKeys keys)
    {
        _verifier?.Dispose();
        _verifier = new OfflineVerifier(keys, _time);
        State.KeysFetchedAt = keys.FetchedAt;
    }

    // Messages quote file names, typed lines and server error details.
    private void Say(string text, Tone tone) => State.Message = (TerminalText.Clean(text), tone);

    private static string PlateText(Plate plate) =>
        string.Create(CultureInfo.InvariantCulture, $"{plate.Number} {(int)plate.Type:D2}");

    private static string LiveCode(SyncResult result) =>
        result.Live?.Verdict is Verdict.CredentialExpired or Verdict.CredentialNotYetValid && result.Lookup is { } lookup
            ? lookup.ValidNow ? "VALID_NOW" : "NOT_VALID_NOW"
            : result.Live is { } live ? Codes.Of(live.Verdict) : string.Empty;
}
