using System.Buffers.Binary;

namespace ELicense.Server.Auditing;

/// <summary>
/// One group commit's records, and the hash chain that continues them from a head: what a sink stores
/// (<see cref="IAuditSink.AppendAsync"/>). The chain and the record format are here, not in the sink, so
/// that every engine writes the very bytes <see cref="AuditChainVerifier"/> checks.
/// </summary>
/// <remarks>
/// Records go into blocks of up to <see cref="AuditChain.MaxBlockRecords"/> (see <see cref="AuditChain"/>):
/// per record only its body (the bytes its hash covers) and its hash, straight into one reused buffer.
/// The writer reuses one batch for every commit; a sink must not keep the blocks past its append.
/// </remarks>
public sealed class AuditBatch
{
    private readonly List<AuditRecord> _records = [];
    private readonly List<AuditBlock> _blocks = [];
    private readonly List<(long First, long Last, int Offset, int Length)> _spans = [];
    private byte[] _buffer = new byte[64 * 1024];
    private byte[] _hashScratch = new byte[1024];

    /// <summary>The records of this batch, in the order they are chained.</summary>
    public IReadOnlyList<AuditRecord> Records => _records;

    /// <summary>Called by the sink after it stored blocks and head, just before it commits (tests inject a failure here).</summary>
    internal Action? BeforeCommit { get; set; }

    /// <summary>The head after <see cref="ChainFrom"/>: what the sink stores with the blocks.</summary>
    public AuditStoredHead NewHead { get; private set; } = AuditStoredHead.Empty;

    internal void Add(AuditRecord record) => _records.Add(record);

    internal void Clear()
    {
        _records.Clear();
        _blocks.Clear();
    }

    /// <summary>
    /// Chains the records from <paramref name="head"/> (the committed head, read inside the sink's
    /// transaction): sequences head+1.., each hash over the one before. Returns the blocks to store, in
    /// order; <see cref="NewHead"/> is the head after them.
    /// </summary>
    /// <exception cref="InvalidOperationException">The head is damaged (no count, sequence or 32-byte hash).</exception>
    public IReadOnlyList<AuditBlock> ChainFrom(AuditStoredHead head)
    {
        if (head is not { Count: { } count, Sequence: { } sequence, Hash: { Length: AuditChain.HashSize } headHash })
        {
            throw new InvalidOperationException("The audit trail's committed head is missing or damaged.");
        }

        var previous = headHash.ToArray();
        _spans.Clear();
        _blocks.Clear();
        var inBlock = 0;
        var blockStart = 0;
        var length = 0;
        foreach (var record in _records)
        {
            sequence++;
            var max = 4 + AuditChain.MaxBodyBytes(record.CallerId, record.DeviceId, record.Method, record.Subject, record.Result) + AuditChain.HashSize;
            if (_buffer.Length - length < max)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, length + max));
            }

            var buffer = _buffer.AsSpan();
            var bodyLength = AuditChain.EncodeBody(buffer[(length + 4)..], sequence, record.Time.ToUnixTimeMilliseconds(),
                record.CallerId, record.DeviceId, record.Method, record.Subject, (int)record.Purpose, record.Result, (int)record.Source, record.Count);
            BinaryPrimitives.WriteInt32BigEndian(buffer[length..], bodyLength);
            var hash = buffer.Slice(length + 4 + bodyLength, AuditChain.HashSize);
            AuditChain.HashBody(previous, buffer.Slice(length + 4, bodyLength), ref _hashScratch, hash);
            hash.CopyTo(previous);
            length += 4 + bodyLength + AuditChain.HashSize;
            if (++inBlock == AuditChain.MaxBlockRecords)
            {
                _spans.Add((sequence - inBlock + 1, sequence, blockStart, length - blockStart));
                inBlock = 0;
                blockStart = length;
            }
        }

        if (inBlock > 0)
        {
            _spans.Add((sequence - inBlock + 1, sequence, blockStart, length - blockStart));
        }

        // Slices of the final buffer only: a resize above copied every earlier block into it.
        foreach (var (first, last, offset, size) in _spans)
        {
            _blocks.Add(new AuditBlock(first, last, new ReadOnlyMemory<byte>(_buffer, offset, size)));
        }

        NewHead = new AuditStoredHead(count + _records.Count, sequence, previous);
        return _blocks;
    }

    /// <summary>Called by the sink once blocks and head are written, right before its commit.</summary>
    public void Committing() => BeforeCommit?.Invoke();
}

/// <summary>
/// Consecutive records <see cref="FirstSequence"/>..<see cref="LastSequence"/> in their stored form: per
/// record a 4-byte big-endian body length, the body and the record's hash (see <see cref="AuditChain"/>).
/// </summary>
public readonly record struct AuditBlock(long FirstSequence, long LastSequence, ReadOnlyMemory<byte> Records);
