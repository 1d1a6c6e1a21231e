using Akka.Actor;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests;

/// <summary>Bad input is refused with an ArgumentException before anything is written; what was registered stays.</summary>
public sealed class BadInputSpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry { max-key-length = 16, max-metadata-entries = 2, max-metadata-bytes = 20 }")
{
    private ProcessRegistry Registry => Sys.Registry();

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
