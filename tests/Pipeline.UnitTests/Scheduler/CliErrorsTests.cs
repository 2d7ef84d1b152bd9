using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.Common;
using Pipeline.Scheduler;
using Pipeline.Scheduler.Cli;
using RabbitMQ.Client.Exceptions;

namespace Pipeline.UnitTests.Scheduler;

public sealed class CliErrorsTests
{
    [Fact]
    public void Describe_DatabaseRefused_IsDatabaseUnavailableWithTheCause()
    {
        var failure = CliErrors.Describe(new NpgsqlException("Failed to connect to 127.0.0.1:1", new SocketException((int)SocketError.ConnectionRefused)));

        Assert.Equal(ExitCodes.DatabaseUnavailable, failure!.ExitCode);
        Assert.StartsWith("database unavailable: Failed to connect to 127.0.0.1:1: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("PIPELINE_Postgres__ConnectionString", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("08006", "connection failure")]
    [InlineData("28P01", "password authentication failed for user \"pipeline\"")]
    [InlineData("3D000", "database \"pipelin\" does not exist")]
    [InlineData("53300", "sorry, too many clients already")]
    [InlineData("57P01", "terminating connection due to administrator command")]
    [InlineData("57P03", "the database system is starting up")]
    public void Describe_ServerRefusesTheSession_IsDatabaseUnavailable(string sqlState, string text)
    {
        var failure = CliErrors.Describe(new PostgresException(text, "FATAL", "FATAL", sqlState));

        Assert.Equal(ExitCodes.DatabaseUnavailable, failure!.ExitCode);
        Assert.StartsWith("database unavailable: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains(text, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42601", "syntax error at or near \"SELEC\"")]
    [InlineData("42P01", "relation \"jobs\" does not exist")]
    [InlineData("23505", "duplicate key value violates unique constraint \"jobs_pkey\"")]
    [InlineData("22P02", "invalid input syntax for type uuid: \"x\"")]
    public void Describe_StatementRefused_IsADatabaseErrorWithItsSqlState(string sqlState, string text)
    {
        var failure = CliErrors.Describe(new PostgresException(text, "ERROR", "ERROR", sqlState));

        Assert.Equal(ExitCodes.DatabaseUnavailable, failure!.ExitCode);
        Assert.Equal($"database error {sqlState}: {text}", failure.Message);
        Assert.DoesNotContain("unavailable", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_BrokerUnreachable_SkipsTheAggregateWrapper()
    {
        var cause = new AggregateException(new InvalidOperationException("Connection failed, host 127.0.0.1:1"));

        var failure = CliErrors.Describe(new BrokerUnreachableException(cause));

        Assert.Equal(ExitCodes.BrokerUnavailable, failure!.ExitCode);
        Assert.Contains("reachable: Connection failed, host 127.0.0.1:1 (check PIPELINE_RabbitMq__Uri", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("One or more errors", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_InvalidOptions_IsInvalidConfiguration()
    {
        var failure = CliErrors.Describe(new OptionsValidationException("SchedulerOptions", typeof(object), ["BatchSize must be between 1 and 10000"]));

        Assert.Equal(ExitCodes.InvalidConfiguration, failure!.ExitCode);
        Assert.Equal("invalid configuration: BatchSize must be between 1 and 10000", failure.Message);
    }

    [Fact]
    public void Describe_UnreadableQueryImage_IsSourceUnreadable() =>
        Assert.Equal(ExitCodes.SourceUnreadable, CliErrors.Describe(new ImageFailureException(FailureReason.NotFound, "no such file"))!.ExitCode);

    [Fact]
    public void Describe_UnexpectedBug_IsLeftToTheDefaultHandler() =>
        Assert.Null(CliErrors.Describe(new ArgumentOutOfRangeException("batchSize")));
}
