using System.Reflection;
using Microsoft.Extensions.Logging;
using Pipeline.Common;

namespace Pipeline.UnitTests.Common;

/// <summary>
/// One event-id table (<see cref="EventIds"/>): every <c>[LoggerMessage]</c> of the programs takes its id from it, ids are
/// unique across the worker, the scheduler and the common library, and each lies in its area's range.
/// </summary>
public sealed class EventIdsTests
{
    private static readonly Assembly[] ProgramAssemblies =
    [
        typeof(EventIds).Assembly, typeof(Pipeline.Worker.WorkerOptions).Assembly, typeof(Pipeline.Scheduler.SchedulerOptions).Assembly,
    ];

    [Fact]
    public void LoggerMessages_AllProgramAssemblies_TakeUniqueIdsNamedInTheirArea()
    {
        var messages = LoggerMessages(ProgramAssemblies);

        Assert.NotEmpty(messages);
        Assert.Empty(Problems(typeof(EventIds), messages));
    }

    [Fact]
    public void EventIds_EveryEntry_IsUsedByALoggerMessage()
    {
        var used = LoggerMessages(ProgramAssemblies).Select(m => m.Id).ToHashSet();

        var unused = Entries(typeof(EventIds)).Where(e => !used.Contains(e.Id)).Select(e => $"{e.Area}.{e.Name}").ToList();

        Assert.Empty(unused);
    }

    [Fact]
    public void Problems_DuplicateOutOfRangeAndUnlistedIds_AreEachReported()
    {
        List<LogMessage> messages =
        [
            new("A.Started", 10),       // fine
            new("B.Started", 10),       // the same id twice
            new("A.Escaped", 25),       // constant outside its area's range
            new("A.Unlisted", 11),      // no constant has this id
            new("A.Misnamed", 21),      // the constant of this id names another message
        ];

        var problems = Problems(typeof(BadTable), messages);

        Assert.Contains(problems, p => p.Contains("10 is used by A.Started and B.Started", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Beta.Escaped = 25 lies outside Beta's range 20–24", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("A.Unlisted: event id 11 is not in", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("A.Misnamed: event id 21 is Beta.Other", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("ranges of Alpha (10–20) and Beta (20–24) overlap", StringComparison.Ordinal));
        Assert.Equal(5, problems.Count);
    }

    /// <summary>What the table and the log methods break: duplicates, ids out of range or not in the table, overlapping areas.</summary>
    private static List<string> Problems(Type table, IReadOnlyList<LogMessage> messages)
    {
        var problems = new List<string>();
        var areas = table.GetNestedTypes().Select(a => (a.Name, First: Constant(a, "First"), Last: Constant(a, "Last"))).OrderBy(a => a.First).ToList();
        problems.AddRange(areas.Zip(areas.Skip(1))
            .Where(p => p.Second.First <= p.First.Last)
            .Select(p => $"ranges of {p.First.Name} ({p.First.First}–{p.First.Last}) and {p.Second.Name} ({p.Second.First}–{p.Second.Last}) overlap"));

        var entries = Entries(table);
        problems.AddRange(entries
            .Where(e => areas.Single(a => a.Name == e.Area) is var area && (e.Id < area.First || e.Id > area.Last))
            .Select(e => $"{e.Area}.{e.Name} = {e.Id} lies outside {e.Area}'s range {areas.Single(a => a.Name == e.Area).First}–{areas.Single(a => a.Name == e.Area).Last}"));
        problems.AddRange(entries.GroupBy(e => e.Id).Where(g => g.Count() > 1)
            .Select(g => $"table entries {string.Join(" and ", g.Select(e => $"{e.Area}.{e.Name}"))} share {g.Key}"));

        problems.AddRange(messages.GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => $"event id {g.Key} is used by {string.Join(" and ", g.Select(m => m.Method))}"));
        foreach (var message in messages)
        {
            var entry = entries.FirstOrDefault(e => e.Id == message.Id);
            if (entry is null)
            {
                problems.Add($"{message.Method}: event id {message.Id} is not in {table.Name}: add it to its area and use the constant");
            }
            else if (entry.Name != message.Method[(message.Method.LastIndexOf('.') + 1)..])
            {
                problems.Add($"{message.Method}: event id {message.Id} is {entry.Area}.{entry.Name}, another message's entry");
            }
        }

        return problems;
    }

    private static List<LogMessage> LoggerMessages(IEnumerable<Assembly> assemblies) =>
        assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => new LogMessage($"{m.Method.DeclaringType!.FullName}.{m.Method.Name}", m.Attribute!.EventId))
            .ToList();

    private static List<TableEntry> Entries(Type table) =>
        table.GetNestedTypes()
            .SelectMany(area => area.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.Name is not ("First" or "Last"))
                .Select(f => new TableEntry(area.Name, f.Name, (int)f.GetRawConstantValue()!)))
            .ToList();

    private static int Constant(Type area, string name) =>
        (int)(area.GetField(name, BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue()
            ?? throw new InvalidOperationException($"{area.Name} has no {name} constant"));

    private sealed record LogMessage(string Method, int Id);

    private sealed record TableEntry(string Area, string Name, int Id);

    // A table with one of each fault, to show the check catches them.
    private static class BadTable
    {
        public static class Alpha
        {
            public const int First = 10;
            public const int Last = 20;
            public const int Started = 10;
        }

        public static class Beta
        {
            public const int First = 20;
            public const int Last = 24;
            public const int Escaped = 25;
            public const int Other = 21;
        }
    }
}
