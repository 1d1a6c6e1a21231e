using System.Collections.Concurrent;
using Akka.Actor;

namespace ProcessRegistry.Akka.Tests.Infrastructure;

/// <summary>
/// A spawnable process that counts its starts per test run (all nodes share this test process),
/// answers "ping" with "pong" and stops on "stop".
/// </summary>
public sealed class CountedProcess : ReceiveActor
{
    private static readonly ConcurrentDictionary<string, int> Starts = new();

    public CountedProcess(string run)
    {
        Starts.AddOrUpdate(run, 1, (_, n) => n + 1);
        Receive<string>(m => m == "ping", _ => Sender.Tell("pong"));
        Receive<string>(m => m == "stop", _ => Context.Stop(Self));
    }

    public static int StartsOf(string run) => Starts.GetValueOrDefault(run);

    /// <summary>Props for a fresh run id, so concurrently running specs never share a count.</summary>
    public static (Props Props, string Run) ForNewRun()
    {
        var run = Guid.NewGuid().ToString("N");
        return (Props.Create(() => new CountedProcess(run)), run);
    }
}
