using Akka.Actor;
using Akka.Actor.Setup;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Registry;

/// <summary>
/// Each node reads the wall clock through a time source the spec can step, as NTP or an operator
/// would: durations and deadlines (pacing, spawn deadlines and retries, tombstone expiry) must not
/// notice, and versions must keep every key writable.
/// </summary>
public sealed class ClockSpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry.spawn.timeout = 20s", () => [new ProcessRegistrySetup(new SteppedClock())])
{
    [Fact]
    public async Task A_node_whose_wall_clock_steps_back_an_hour_keeps_writing_broadcasting_and_spawning()
    {
        var nodes = await StartCluster(3);
        var (a, c) = (nodes[0], nodes[2]);
        var clockOfA = SteppedClock.Of(a);
        await a.Registry().Register("clock/before", SpawnProcess(a));
        await AwaitAssertAsync(() => Assert.True(c.Registry().IsRegistered("clock/before")), Patience);

        clockOfA.Step(TimeSpan.FromHours(-1));

        // A burst, so pacing (which would wait for the step to pass on a wall clock) is in play.
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => a.Registry().Register($"clock/after/{i}", SpawnProcess(a))));
        await AwaitAssertAsync(() => Assert.Equal(301, c.Registry().Count), Patience);
        // The key written before the step stays writable: its versions go on from the newest known.
        var replacement = SpawnProcess(a);
        Assert.True(await a.Registry().Unregister("clock/before"));
        await a.Registry().Register("clock/before", replacement);
        await AwaitAssertAsync(() => AssertSamePid(replacement, c.Registry().GetPid("clock/before"), a), Patience);
        var (props, run) = CountedProcess.ForNewRun();
        var spawned = await a.Registry().GetPid("clock/spawned", props).WaitAsync(Patience);
        Assert.Equal("pong", await spawned.Ask<string>("ping", Patience));
        Assert.Equal(1, CountedProcess.StartsOf(run));
    }

    [Fact]
    public async Task A_node_whose_wall_clock_steps_forward_within_max_clock_lead_is_heard_and_its_keys_stay_writable_elsewhere()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        SteppedClock.Of(c).Step(TimeSpan.FromHours(2));

        var onC = SpawnProcess(c);
        await c.Registry().Register("clock/ahead", onC);
        await AwaitAssertAsync(() => Assert.All(nodes, n => AssertSamePid(onC, n.Registry().GetPid("clock/ahead"), c)), Patience);
        Assert.True(await a.Registry().Unregister("clock/ahead"));
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.False(n.Registry().IsRegistered("clock/ahead"))), Patience);
        var onB = SpawnProcess(b);
        await b.Registry().Register("clock/ahead", onB);

        await AwaitAssertAsync(() => Assert.All(nodes, n => AssertSamePid(onB, n.Registry().GetPid("clock/ahead"), b)), Patience);
    }

    [Fact]
    public void The_library_reads_no_wall_clock_but_through_its_time_source()
    {
        var source = Path.Combine(Repository.Root, "src");
        var offenders = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, i)))
            .Where(l => l.line.Contains("DateTime.UtcNow") || l.line.Contains("DateTime.Now") ||
                        l.line.Contains("DateTimeOffset.UtcNow") || l.line.Contains("Environment.TickCount"))
            .Select(l => $"{Path.GetRelativePath(source, l.file)}:{l.i + 1}: {l.line.Trim()}")
            .ToList();

        Assert.Empty(offenders);
    }
}
