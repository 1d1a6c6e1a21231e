using Akka.Actor;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Registry;

/// <summary>Bad input is refused with an ArgumentException before anything is written; what was registered stays.</summary>
public sealed class BadInputSpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry { max-key-length = 16, max-metadata-entries = 2, max-metadata-bytes = 20 }")
{
    private ClusterProcessRegistry Registry => Sys.Registry();

    private static readonly Dictionary<string, Func<ActorSystem, Task>> BadCalls = new()
    {
        ["null key"] = sys => sys.Registry().Register(null!, SpawnProcess(sys)),
        ["empty key"] = sys => sys.Registry().Register("", SpawnProcess(sys)),
        ["key over max-key-length"] = sys => sys.Registry().Register(new string('k', 17), SpawnProcess(sys)),
        ["null pid"] = sys => sys.Registry().Register("fresh", null!),
        ["Nobody"] = sys => sys.Registry().Register("fresh", ActorRefs.Nobody),
        ["dead letters"] = sys => sys.Registry().Register("fresh", sys.DeadLetters),
        ["too many metadata labels"] = sys => sys.Registry().Register("fresh", SpawnProcess(sys), new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3" }),
        ["metadata over max-metadata-bytes"] = sys => sys.Registry().Register("fresh", SpawnProcess(sys), new Dictionary<string, string> { ["big"] = new string('x', 30) }),
        ["empty metadata label"] = sys => sys.Registry().Register("fresh", SpawnProcess(sys), new Dictionary<string, string> { [""] = "1" }),
        ["null metadata value"] = sys => sys.Registry().Register("fresh", SpawnProcess(sys), new Dictionary<string, string> { ["a"] = null! }),
        ["unregister null key"] = sys => sys.Registry().Unregister(null!),
        ["unregister empty key"] = sys => sys.Registry().Unregister(""),
        ["unregister key over max-key-length"] = sys => sys.Registry().Unregister(new string('k', 17)),
        ["a key-bound ref as pid"] = sys => sys.Registry().Register("fresh", sys.Registry().RefFor("fresh")),
        ["another key's key-bound ref as pid"] = sys => sys.Registry().Register("fresh", sys.Registry().RefFor("existing")),
        ["key with a lone high surrogate"] = sys => sys.Registry().Register("a\uD800b", SpawnProcess(sys)),
        ["key ending in a high surrogate"] = sys => sys.Registry().Register("ab\uD83D", SpawnProcess(sys)),
        ["key with a lone low surrogate"] = sys => sys.Registry().Register("\uDC00", SpawnProcess(sys)),
        ["metadata name with a lone surrogate"] = sys => sys.Registry().Register("fresh", SpawnProcess(sys), new Dictionary<string, string> { ["\uD800"] = "1" }),
        ["metadata value with a lone surrogate"] = sys => sys.Registry().Register("fresh", SpawnProcess(sys), new Dictionary<string, string> { ["a"] = "\uDFFF" }),
        ["update with a lone surrogate"] = sys => sys.Registry().UpdateMetadata("existing", new Dictionary<string, string?> { ["a"] = "x\uD800" }),
        ["unregister a key with a lone surrogate"] = sys => sys.Registry().Unregister("\uD800"),
        ["wait for a null key"] = sys => sys.Registry().WaitFor(null!, TimeSpan.FromSeconds(1)),
        ["wait for an empty key"] = sys => sys.Registry().WaitFor("", TimeSpan.FromSeconds(1)),
        ["wait for a negative time"] = sys => sys.Registry().WaitFor("fresh", TimeSpan.FromSeconds(-1)),
        ["wait for longer than a timer can"] = sys => sys.Registry().WaitFor("fresh", TimeSpan.MaxValue),
        ["unregister many with a null key"] = sys => sys.Registry().UnregisterMany(["existing", null!]),
        ["unregister many with an empty key"] = sys => sys.Registry().UnregisterMany(["existing", ""]),
        ["register many with a key-bound ref"] = sys => sys.Registry().RegisterMany([("fresh", SpawnProcess(sys)), ("fresh2", sys.Registry().RefFor("x"))]),
    };

    [Theory]
    [InlineData("null key")]
    [InlineData("empty key")]
    [InlineData("key over max-key-length")]
    [InlineData("null pid")]
    [InlineData("Nobody")]
    [InlineData("dead letters")]
    [InlineData("too many metadata labels")]
    [InlineData("metadata over max-metadata-bytes")]
    [InlineData("empty metadata label")]
    [InlineData("null metadata value")]
    [InlineData("unregister null key")]
    [InlineData("unregister empty key")]
    [InlineData("unregister key over max-key-length")]
    [InlineData("a key-bound ref as pid")]
    [InlineData("another key's key-bound ref as pid")]
    [InlineData("key with a lone high surrogate")]
    [InlineData("key ending in a high surrogate")]
    [InlineData("key with a lone low surrogate")]
    [InlineData("metadata name with a lone surrogate")]
    [InlineData("metadata value with a lone surrogate")]
    [InlineData("update with a lone surrogate")]
    [InlineData("unregister a key with a lone surrogate")]
    [InlineData("wait for a null key")]
    [InlineData("wait for an empty key")]
    [InlineData("wait for a negative time")]
    [InlineData("wait for longer than a timer can")]
    [InlineData("unregister many with a null key")]
    [InlineData("unregister many with an empty key")]
    [InlineData("register many with a key-bound ref")]
    public async Task Bad_input_throws_synchronously_and_loses_nothing(string what)
    {
        await StartCluster(1);
        var existing = SpawnProcess(Sys);
        await Registry.Register("existing", existing);

        void Call() => _ = BadCalls[what](Sys);
        var error = Assert.ThrowsAny<ArgumentException>(Call);

        Assert.False(string.IsNullOrWhiteSpace(error.Message), what);
        Assert.Equal(existing, Registry.GetPid("existing"));
        Assert.Equal(1, Registry.Count);
        Assert.False(Registry.IsRegistered("fresh"));
        Assert.Empty(Registry.Lookup("existing")!.Metadata);
    }

    [Fact]
    public async Task An_ask_temporary_ref_is_not_a_process()
    {
        await StartCluster(1);
        var probe = CreateTestProbe();
        _ = probe.Ref.Ask<string>("give me your sender", Patience);
        await probe.ExpectMsgAsync("give me your sender");
        var temporary = probe.LastSender;

        void Call() => _ = Registry.Register("fresh", temporary);
        Assert.ThrowsAny<ArgumentException>(Call);
        Assert.Equal(0, Registry.Count);
    }

    [Fact]
    public async Task A_well_formed_key_with_surrogate_pairs_and_control_characters_is_accepted_and_reads_back_on_every_node()
    {
        var nodes = await StartCluster(2);
        const string key = "room/\uD83D\uDE00\u0000\u001F\t";
        var pid = SpawnProcess(nodes[0]);

        await nodes[0].Registry().Register(key, pid, new Dictionary<string, string> { ["\uD83C\uDF89"] = "\u0007" });

        await AwaitAssertAsync(() => Assert.Equal("\u0007", nodes[1].Registry().Lookup(key)?.Metadata["\uD83C\uDF89"]), Patience);
        Assert.True(await nodes[1].Registry().Unregister(key));
        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.False(n.Registry().IsRegistered(key))), Patience);
    }

    [Fact]
    public async Task WaitFor_leaves_no_waiter_behind_after_timeouts_and_cancellations()
    {
        await StartCluster(1);
        var timedOut = Enumerable.Range(0, 5000).Select(i => Registry.WaitFor($"never/{i % 50}", TimeSpan.FromMilliseconds(1))).ToList();
        using var cancel = new CancellationTokenSource();
        var cancelled = Enumerable.Range(0, 5000).Select(i => Registry.WaitFor($"never/{i % 50}", Timeout.InfiniteTimeSpan, cancel.Token)).ToList();
        cancel.Cancel();

        foreach (var wait in timedOut)
            await Assert.ThrowsAsync<TimeoutException>(() => wait);
        foreach (var wait in cancelled)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);

        Assert.Equal(0, Registry.View.Waiters.Count);
        var arrives = Registry.WaitFor("arrives", Patience);
        await Registry.Register("arrives", SpawnProcess(Sys));
        await arrives;
        Assert.Equal(0, Registry.View.Waiters.Count);
    }

    [Fact]
    public async Task A_dead_pid_is_refused()
    {
        await StartCluster(1);
        var dead = SpawnProcess(Sys);
        Watch(dead);
        Sys.Stop(dead);
        await ExpectTerminatedAsync(dead);

        void Call() => _ = Registry.Register("fresh", dead);
        var error = Assert.ThrowsAny<ArgumentException>(Call);

        Assert.Contains("not alive", error.Message);
        Assert.Equal(0, Registry.Count);
    }

    [Fact]
    public async Task The_key_limit_is_inclusive()
    {
        await StartCluster(1);
        var pid = SpawnProcess(Sys);

        await Registry.Register(new string('k', 16), pid);

        Assert.Equal(pid, Registry.GetPid(new string('k', 16)));
    }
}
