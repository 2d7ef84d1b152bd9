namespace Pipeline.Scheduler;

/// <summary>Distinct exit codes, so cron wrappers can tell outcomes apart.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
    public const int ImagesFailed = 3;
    public const int UnknownJob = 4;
    public const int NotComplete = 5;
}
