namespace ELicense.Client.Connection;

/// <summary>
/// What the last health check of a replica found, in the order the picker prefers them
/// (<see cref="ServingChoice{T}"/>): a replica that said it serves, then one that did not answer in time,
/// then one that said it does not.
/// </summary>
public enum ReplicaState
{
    /// <summary>It answered SERVING (or has no health service, or has not published this name yet), or has not been asked yet.</summary>
    Serving,

    /// <summary>
    /// No answer: the check failed or outlasted its bound. That says nothing about the replica's calls: a
    /// fleet that is slow but serves looks like this on a loaded host, and must still be called.
    /// </summary>
    Unanswered,

    /// <summary>It answered NOT_SERVING: it is draining (or its own checks failed) and asks to be left.</summary>
    NotServing,
}
