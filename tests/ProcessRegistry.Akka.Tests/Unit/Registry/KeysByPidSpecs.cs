using Akka.Actor;
using ProcessRegistry.Akka.Registry;
using Xunit;

namespace ProcessRegistry.Akka.Tests.Unit.Registry;

/// <summary>The owner's index of keys by process: watch on the first key, unwatch after the last.</summary>
public sealed class KeysByPidSpecs
{
    [Fact]
    public void A_process_is_new_on_its_first_key_and_gone_after_its_last()
    {
        var keys = new KeysByPid();
        var pid = ActorRefs.Nobody;

        Assert.True(keys.Add(pid, "a"));
        Assert.False(keys.Add(pid, "a"));
        Assert.False(keys.Add(pid, "b"));
        Assert.False(keys.Add(pid, "c"));
        Assert.Equal(["a", "b", "c"], keys.Of(pid).Order());

        Assert.False(keys.Remove(pid, "b"));
        Assert.False(keys.Remove(pid, "x"));
        Assert.False(keys.Remove(pid, "a"));
        Assert.Equal(["c"], keys.Of(pid));
        Assert.True(keys.Remove(pid, "c"));
        Assert.Empty(keys.Of(pid));
        Assert.False(keys.Remove(pid, "c"));

        Assert.True(keys.Add(pid, "d"));
        Assert.False(keys.Remove(pid, "e"));
        Assert.True(keys.Remove(pid, "d"));
    }
}
