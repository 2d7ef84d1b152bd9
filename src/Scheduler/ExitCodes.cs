namespace Pipeline.Scheduler;

/// <summary>Distinct exit codes, so cron wrappers can tell outcomes apart.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
    public const int ImagesFailed = 3;
    public const int UnknownJob = 4;

    /// <summary><c>pipeline index</c>: no model of that id is registered (the code of an unknown job).</summary>
    public const int UnknownModel = 4;
    public const int NotComplete = 5;

    /// <summary>
    /// Postgres unreachable, refused the login, or failed a statement ("database unavailable: …" or "database error
    /// SQLSTATE: …").
    /// </summary>
    public const int DatabaseUnavailable = 6;

    /// <summary>RabbitMQ unreachable or refused the connection.</summary>
    public const int BrokerUnavailable = 7;

    /// <summary>The images cannot be read: folder or manifest missing, manifest malformed, blob storage refused, query image unreadable.</summary>
    public const int SourceUnreadable = 8;

    /// <summary>A setting failed validation at start-up.</summary>
    public const int InvalidConfiguration = 9;

    /// <summary><c>--wait</c> gave up after its <c>--timeout</c>; the job goes on (follow it again with <c>status --wait</c>).</summary>
    public const int WaitTimedOut = 10;

    /// <summary>The job was abandoned: its scheduler stopped while enqueuing. Run the same enqueue again.</summary>
    public const int JobAbandoned = 11;

    /// <summary>Interrupted (Ctrl+C, SIGTERM): 128 + SIGINT, as shells report it.</summary>
    public const int Cancelled = 130;
}
