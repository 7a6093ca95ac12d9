using ELicense.Inspector.Localization;
using ELicense.Inspector.Offline;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Grpc.Core;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The handheld's logic, apart from the terminal: which part handles each input. The parts do the work
/// (<see cref="ScanFlow"/> a scan, online first and offline when the server cannot be reached;
/// <see cref="Lookups"/> the online-only checks; <see cref="OfflineSync"/> the queue's re-verification;
/// <see cref="OfflineKeys"/> and <see cref="Connectivity"/> the probe; <see cref="ShiftLog"/> and
/// <see cref="ShiftExport"/> the history). The screen is drawn from <see cref="State"/>.
/// </summary>
public sealed class HandheldController : IDisposable
{
    private readonly HandheldContext _context;
    private readonly Func<string, string?> _getVariable;
    private readonly Func<string, bool> _fileExists;
    private readonly DeviceLock _lock;
    private readonly Connectivity _link;
    private readonly OfflineKeys _keys;
    private readonly ShiftLog _log;
    private readonly ScanFlow _scans;
    private readonly Lookups _lookups;
    private readonly RoadsideFlow _roadside;
    private readonly OfflineSync _sync;
    private readonly ShiftExport _export;
    private readonly Prompts _prompts;

    /// <summary>
    /// Takes the cache directory (throws <see cref="CacheDirectoryInUseException"/> when another console holds
    /// it) and loads the offline queue; <paramref name="backend"/> null means no server at all.
    /// </summary>
    public HandheldController(
        HandheldOptions options,
        ICheckBackend? backend,
        UiText text,
        TimeProvider time,
        Func<string, string?> getVariable,
        Func<string, bool>? fileExists = null)
    {
        _getVariable = getVariable;
        _fileExists = fileExists ?? File.Exists;
        _context = new HandheldContext(options, new HandheldState(options.Officer, options.DeviceId, options.ServerLabel), text, time);
        PrivateFile.EnsureDirectory(options.CacheDirectory);
        _lock = DeviceLock.Take(options.CacheDirectory);
        try
        {
            Queue = OfflineQueue.Load(options.CacheDirectory, time.GetUtcNow());
        }
        catch
        {
            _lock.Dispose();
            throw;
        }

        var refusals = new LiveRefusals(time);
        _link = new Connectivity(_context, backend);
        _keys = new OfflineKeys(_context, _link);
        _log = new ShiftLog(_context);
        _scans = new ScanFlow(_context, _link, _keys, _log, refusals, Queue);
        _lookups = new Lookups(_context, _link, _log);
        _roadside = new RoadsideFlow(_context, _link, _keys, _log, refusals, _scans);
        _sync = new OfflineSync(_context, _link, _keys, _log, refusals, Queue);
        _export = new ShiftExport(_context, getVariable);
        _prompts = new Prompts(_context);
    }

    /// <summary>What the screen shows.</summary>
    public HandheldState State => _context.State;

    /// <summary>The console's words.</summary>
    public UiText Text => _context.Text;

    /// <summary>How a scan is recognised and bounded: the cached published policy, else Core's defaults.</summary>
    public ScanLimits Limits => _keys.Limits;

    /// <summary>The offline checks waiting for the server.</summary>
    public OfflineQueue Queue { get; }

    /// <summary>Loads the cached keys, lists the queue from earlier shifts, and probes the server.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _keys.LoadCached();
        if (Queue.SetAsidePath is { } aside)
        {
            _context.Say(Text.QueueUnreadable(aside), Tone.Red);
        }

        foreach (var queued in Queue.Items)
        {
            _log.AddQueued(queued);
        }

        State.Queued = Queue.Items.Count;
        if (_context.Options.ForcedOffline || !_link.HasServer)
        {
            State.Connection = ConnectionState.ForcedOffline;
            return;
        }

        await RunSafelyAsync(_sync.ProbeAndSyncAsync, cancellationToken);
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
        if (_link.SyncDue && State.Connection == ConnectionState.Online && Queue.Items.Count > 0)
        {
            await RunSafelyAsync(_sync.SyncAsync, cancellationToken);
        }

        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _keys.Dispose();
        _lock.Dispose();
    }

    private async Task HandleLineAsync(string line, AskAsync ask, CancellationToken cancellationToken)
    {
        switch (EntryParser.Parse(line, Limits.Prefix, _getVariable, _fileExists, Limits.MarkPrefix))
        {
            case Entry.Scan scan:
                await LicenceScanAsync(scan.Payload, null, cancellationToken);
                break;
            case Entry.MarkScan mark:
                await _roadside.MarkAsync(mark.Payload, cancellationToken);
                break;
            case Entry.Image image:
                await ImageAsync(image.Path, cancellationToken);
                break;
            case Entry.MissingFile missing:
                _context.Say(Text.ImageUnreadable(missing.Path), Tone.Red);
                break;
            case Entry.LicenceNumber licence:
                State.Pending = null; // a lookup by number is no half of a roadside pair
                var purpose = licence.Purpose ?? await _prompts.PurposeAsync(ask, cancellationToken);
                if (purpose is null)
                {
                    _context.Say(Text.PurposeRequired, Tone.Amber);
                    break;
                }

                await _lookups.LicenceAsync(licence.Number, purpose.Value, cancellationToken);
                break;
            case Entry.PlateNumber plate:
                await VehicleAsync(plate.Plate, cancellationToken);
                break;
            case Entry.Unrecognised:
                _context.Say(Text.Unrecognised, Tone.Red);
                break;
        }
    }

    private async Task HandleKeyAsync(Hotkey action, AskAsync ask, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case Hotkey.Vehicle when await _prompts.PlateAsync(ask, cancellationToken) is { } plate:
                await VehicleAsync(plate, cancellationToken);
                break;
            case Hotkey.Transfer when (State.CurrentPlate ?? await _prompts.PlateAsync(ask, cancellationToken)) is { } plate:
                State.Pending = null; // another check: a waiting half must not pair with the next stop's scan
                await _lookups.TransferAsync(plate, cancellationToken);
                break;
            case Hotkey.Violations when State.Current?.LicenseNumber is not null:
                await _lookups.ViolationsAsync(null, cancellationToken);
                break;
            case Hotkey.Violations when (State.CurrentPlate ?? await _prompts.PlateAsync(ask, cancellationToken)) is { } plate:
                await _lookups.ViolationsAsync(plate, cancellationToken);
                break;
            case Hotkey.NewScan:
                State.Current = null;
                State.Detail = null;
                State.CurrentPlate = null;
                State.Mark = null;
                State.Roadside = null;
                State.Pending = null;
                _context.Say(Text.Cleared, Tone.Grey);
                break;
            case Hotkey.Sync:
                await _sync.OnRequestAsync(cancellationToken);
                break;
            case Hotkey.Export:
                await _export.ExportAsync(ask, cancellationToken);
                break;
        }
    }

    // A licence code completes a pair with a waiting mark; otherwise it is checked on its own and waits for the vehicle.
    private async Task LicenceScanAsync(string payload, string? source, CancellationToken cancellationToken)
    {
        if (!await _roadside.LicenceAsync(payload, cancellationToken))
        {
            await _scans.ScanAsync(payload, source, cancellationToken);
        }
    }

    // A photo of either code goes where a scan of it would.
    private async Task ImageAsync(string path, CancellationToken cancellationToken)
    {
        if (_scans.DecodeImage(path) is not { } decoded)
        {
            return;
        }

        if (decoded.StartsWith(Limits.MarkPrefix, StringComparison.Ordinal))
        {
            await _roadside.MarkAsync(decoded, cancellationToken);
        }
        else
        {
            await LicenceScanAsync(decoded, path, cancellationToken);
        }
    }

    // A plate after a licence scan completes the pair (one roadside answer); without one it is a vehicle check.
    private async Task VehicleAsync(Plate plate, CancellationToken cancellationToken)
    {
        if (!await _roadside.PlateAsync(plate, cancellationToken))
        {
            await _lookups.VehicleAsync(plate, cancellationToken);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (_link.ProbeDue)
        {
            await _sync.ProbeAndSyncAsync(cancellationToken);
        }
    }

    /// <summary>Runs an action and turns an error status into the footer message: the console stays up.</summary>
    private async Task RunSafelyAsync(Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action(cancellationToken);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            var lines = ErrorView.Describe(e, _context.Options.Replicas, _context.Options.Deadline);
            _context.Say($"{Text.Error}: {string.Join(" ", lines.Select(l => l.Trim()))}", Tone.Red);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The queue file could not be written (a full or read-only disk): the console and its shift history stay up.
            _context.Say(Text.QueueNotSaved(e.Message), Tone.Red);
        }
    }
}
