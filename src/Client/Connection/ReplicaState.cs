namespace ELicense.Client.Connection;

/// <summary>
/// What the last health check of a replica found, in the order the picker prefers them
/// (<see cref="ServingChoice{T}"/> compares the values, so they are written out): a replica that said it
/// serves, then one that did not answer in time, then one that said it does not.
/// </summary>
public enum ReplicaState
{
    /// <summary>It answered SERVING (or has no health service, or has not published this name yet), or has not been asked yet.</summary>
    Serving = 0,

    /// <summary>
    /// No answer: the check failed or outlasted its bound. That says nothing about the replica's calls: a
    /// fleet that is slow but serves looks like this on a loaded host, and must still be called.
    /// </summary>
    Unanswered = 1,

    /// <summary>
    /// It answered NOT_SERVING: it is draining (or its own checks failed) and asks to be left. Kept through
    /// later unanswered checks until it answers SERVING.
    /// </summary>
    NotServing = 2,
}
