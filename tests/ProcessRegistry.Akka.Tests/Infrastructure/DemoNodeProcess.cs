using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;

namespace ProcessRegistry.Akka.Tests.Infrastructure;

/// <summary>
/// One node of the demo run as its own OS process (<c>dotnet ProcessRegistry.Akka.Demo.dll --node</c>)
/// with the environment docker-compose gives it, on 127.0.0.1 with dynamic ports. Its cluster and
/// HTTP addresses are read from the lines the node prints when it is up.
/// </summary>
public sealed class DemoNodeProcess : IAsyncDisposable
{
    private static readonly string DemoAssembly = typeof(DemoNodeProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DemoAssembly").Value!;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    // Released when a line arrives, so a waiter looks at the output again.
    private readonly SemaphoreSlim _printed = new(0, 1);
    private readonly TaskCompletionSource<string> _http = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _cluster = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DemoNodeProcess(string seeds, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet", [DemoAssembly, "--node"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["CLUSTER_HOSTNAME"] = "127.0.0.1";
        start.Environment["CLUSTER_PORT"] = "0";
        start.Environment["CLUSTER_SEEDS"] = seeds;
        start.Environment["CLUSTER_ROLES"] = "";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, line) => Observe(line.Data);
        _process.ErrorDataReceived += (_, line) => Observe(line.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Base address of the node's HTTP API.</summary>
    public Uri Http { get; private set; } = null!;

    /// <summary>The node's cluster address, as in <c>RegistryEntry.Node</c>.</summary>
    public string Address { get; private set; } = null!;

    /// <summary>Whether the node's process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The OS process id.</summary>
    public int Pid => _process.Id;

    /// <summary>What the node printed so far (for failure messages).</summary>
    public string Output => string.Join(Environment.NewLine, _output.TakeLast(60));

    /// <summary>
    /// Starts a node that joins <paramref name="seeds"/> (none: it forms a new cluster), with
    /// <paramref name="environment"/> on top of the defaults, and waits until it serves HTTP.
    /// </summary>
    public static async Task<DemoNodeProcess> Start(string seeds, TimeSpan patience, IReadOnlyDictionary<string, string>? environment = null)
    {
        var node = new DemoNodeProcess(seeds, environment);
        try
        {
            var exited = node._process.WaitForExitAsync();
            var ready = Task.WhenAll(node._http.Task, node._cluster.Task);
            if (await Task.WhenAny(ready, exited).WaitAsync(patience) != ready)
                throw new InvalidOperationException($"Demo node exited with {node._process.ExitCode}:{Environment.NewLine}{node.Output}");
            node.Http = new Uri(await node._http.Task);
            node.Address = await node._cluster.Task;
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes when the node has printed a line that <paramref name="matches"/>.</summary>
    public async Task WaitForOutput(Func<string, bool> matches, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        while (!_output.Any(matches))
        {
            try
            {
                await _printed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The node printed no such line within {patience}:{Environment.NewLine}{Output}");
            }
        }
    }

    /// <summary>GETs <paramref name="path"/> from the node's HTTP API as JSON.</summary>
    public async Task<T> Get<T>(HttpClient client, string path) =>
        (await client.GetFromJsonAsync<T>(new Uri(Http, path)))!;

    /// <summary>SIGKILL: the node gets no chance to leave the cluster or tell anyone.</summary>
    public async Task Kill()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            await Kill();
        _process.Dispose();
    }

    private void Observe(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        if (_printed.CurrentCount == 0) _printed.Release();
        if (line.StartsWith("HTTP API on ", StringComparison.Ordinal))
            _http.TrySetResult(line["HTTP API on ".Length..].Split(' ')[0]);
        else if (line.StartsWith("Cluster node ", StringComparison.Ordinal))
            _cluster.TrySetResult(line["Cluster node ".Length..].Trim());
    }
}
