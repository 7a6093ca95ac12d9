namespace ELicense.Server.Auditing;

/// <summary>
/// One page of a subject's records as every engine's <see cref="IAuditSubjectIndex.ListAsync"/> assembles it:
/// first the matches in the tail the index has not taken in yet (scanned in order; only the newest
/// <c>limit</c> are kept), then the indexed hits, newest first, each checked against the trail again.
/// </summary>
internal sealed class SubjectPage(string subject, long beforeSequence, int limit)
{
    private readonly Queue<AuditEntry> _tail = new(limit);

    /// <summary>Takes one record of the unindexed tail; false once the tail reaches <c>beforeSequence</c> (stop reading).</summary>
    public bool OfferTail(TrailEntry stored)
    {
        if (stored.Sequence >= beforeSequence)
        {
            return false;
        }

        if (Match(stored) is { } entry)
        {
            if (_tail.Count == limit)
            {
                _tail.Dequeue();
            }

            _tail.Enqueue(entry);
        }

        return true;
    }

    /// <summary>The tail's matches, newest first: the page's start, to which the indexed hits are added up to the limit.</summary>
    public List<AuditEntry> Start()
    {
        var entries = new List<AuditEntry>(limit);
        entries.AddRange(_tail.Reverse());
        return entries;
    }

    /// <summary>
    /// The record as an entry when it is readable and of this subject; null otherwise. The subject is checked
    /// against the trail itself: an index row that disagrees with the trail is never shown.
    /// </summary>
    public AuditEntry? Match(TrailEntry? stored) =>
        stored is { Problem: null } entry && AuditSubjects.Names(AuditChain.ReadSubject(entry.Body.Span), subject)
            && AuditChain.TryDecodeBody(entry.Body.Span, out var sequence, out var record) && sequence == entry.Sequence
            ? new AuditEntry(sequence, record)
            : null;
}
