using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.Infrastructure;

/// <summary>
/// A spec over demo nodes run as OS processes and driven only over their HTTP API: it starts
/// them, prints what each printed when the spec ends, and stops them.
/// </summary>
public abstract class DemoProcessSpec : global::Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly List<DemoNodeProcess> _nodes = new();
    private readonly ITestOutputHelper _output;

    protected DemoProcessSpec(ITestOutputHelper output) : base(output: output) => _output = output;

    protected HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The nodes started so far, in the order they started.</summary>
    protected IReadOnlyList<DemoNodeProcess> Nodes
    {
        get
        {
            lock (_nodes) return _nodes.ToList();
        }
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            _output.WriteLine($"--- node {node.Address} (pid {node.Pid})");
            _output.WriteLine(node.Output);
            await node.DisposeAsync();
        }
        Http.Dispose();
        await DisposeMoreAsync();
    }

    /// <summary>What a spec cleans up after its nodes stopped.</summary>
    protected virtual Task DisposeMoreAsync() => Task.CompletedTask;

    /// <summary>Starts a node that joins <paramref name="seeds"/> (none: it forms a cluster), with <paramref name="environment"/> on top of the defaults.</summary>
    protected async Task<DemoNodeProcess> Start(string seeds, IReadOnlyDictionary<string, string>? environment = null)
    {
        var node = await DemoNodeProcess.Start(seeds, Patience, environment);
        lock (_nodes) _nodes.Add(node);
        return node;
    }

    protected Task Eventually(Func<Task> assertion) => AwaitAssertAsync(assertion, Patience, TimeSpan.FromMilliseconds(250));

    protected sealed record ClusterView(string Self, List<MemberView> Members, List<string> Unreachable);

    protected sealed record MemberView(string Address, string Status);

    protected sealed record EntryView(string Key, string Pid, string Node);
}
