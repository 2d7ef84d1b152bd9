namespace Pipeline.Scheduler.Recovery;

/// <summary>What <c>pipeline dead-letters</c> does.</summary>
internal enum DeadLetterAction
{
    List,
    Replay,
    Purge,
}
