using System.Text;
using Pipeline.Common.Messaging;
using RabbitMQ.Client;

namespace Pipeline.UnitTests.Messaging;

public sealed class DeadLettersTests
{
    private static BasicProperties With(Dictionary<string, object?> headers) => new() { Headers = headers };

    [Fact]
    public void Reason_WorkerDeadLettered_NamesTheAttemptsAndTheLastError()
    {
        var reason = DeadLetters.Reason(With(new()
        {
            [DeadLetters.AttemptHeader] = 5,
            [DeadLetters.LastErrorHeader] = Encoding.UTF8.GetBytes("blob service unavailable"),
        }));

        Assert.Equal("dead-lettered after 5 attempts; last error: blob service unavailable", reason);
    }

    [Fact]
    public void Reason_BrokerDeliveryLimit_SaysSo()
    {
        var reason = DeadLetters.Reason(With(new() { ["x-first-death-reason"] = Encoding.UTF8.GetBytes("delivery_limit") }));

        Assert.Contains("delivery limit was reached", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Reason_AlreadySettled_KeepsTheRecordedReason()
    {
        var reason = DeadLetters.Reason(With(new()
        {
            [DeadLetters.SettledHeader] = Encoding.UTF8.GetBytes("dead-lettered after 2 attempts; last error: x"),
            [DeadLetters.LastErrorHeader] = Encoding.UTF8.GetBytes("y"),
        }));

        Assert.Equal("dead-lettered after 2 attempts; last error: x", reason);
    }

    [Fact]
    public void Parked_QueueName_IsBesideTheDeadLetterQueue()
    {
        var letters = new DeadLetters(new QueueTopology(new RabbitMqOptions { QueuePrefix = "p" }, "m"));

        Assert.Equal(("p.m.dead", "p.m.parked", "p.m"), (letters.Dead, letters.Parked, letters.Main));
    }
}
