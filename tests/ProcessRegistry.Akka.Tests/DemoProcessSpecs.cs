using System.Net;
using System.Net.Http.Json;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests;

/// <summary>
/// The deployed shape: three demo nodes as separate OS processes (the settings docker-compose
/// passes, on 127.0.0.1 with dynamic ports), driven only over their HTTP API, one killed with SIGKILL.
/// </summary>
public sealed class DemoProcessSpecs : global::Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly List<DemoNodeProcess> _nodes = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly ITestOutputHelper _output;

    public DemoProcessSpecs(ITestOutputHelper output) : base(output: output) => _output = output;

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            _output.WriteLine($"--- node {node.Address} (pid {node.Pid})");
            _output.WriteLine(node.Output);
            await node.DisposeAsync();
        }
        _http.Dispose();
    }

    [Fact]
    public async Task Killed_node_leaves_every_view_and_its_rooms_are_spawned_again_on_the_survivors()
    {
        var seed = await Start("");
        await Task.WhenAll(Start(seed.Address), Start(seed.Address));
        await Eventually(async () =>
        {
            foreach (var node in _nodes)
            {
                var view = await node.Get<ClusterView>(_http, "/cluster");
                Assert.Equal(3, view.Members.Count(m => m.Status == "Up"));
            }
        });

        // Bad input is refused where it enters, at once, and spawns nothing.
        await ExpectStatus(HttpStatusCode.BadRequest, _nodes[0], $"/rooms/{new string('r', 65)}", "hi");
        await ExpectStatus(HttpStatusCode.BadRequest, _nodes[0], "/rooms/a%20b", "hi");
        await ExpectStatus(HttpStatusCode.RequestEntityTooLarge, _nodes[0], "/rooms/big", new string('x', 4097));
        using (var longKey = await _http.GetAsync(new Uri(_nodes[1].Http, $"/entries/{new string('k', 600)}")))
            Assert.Equal(HttpStatusCode.BadRequest, longKey.StatusCode);
        Assert.Empty(await _nodes[2].Get<List<EntryView>>(_http, "/entries"));

        var rooms = Enumerable.Range(0, 30).Select(i => $"r{i}").ToArray();
        var first = await Task.WhenAll(rooms.Select((room, i) => Post(_nodes[i % 3], room, "hello")));
        Assert.All(first, posted => Assert.Equal(1, posted.Lines));
        await Eventually(async () =>
        {
            foreach (var node in _nodes)
                Assert.Equal(rooms.Length, (await node.Get<List<EntryView>>(_http, "/entries")).Count);
        });

        var victim = _nodes.MaxBy(node => first.Count(posted => posted.Host == node.Address))!;
        var victimsRooms = first.Where(posted => posted.Host == victim.Address).Select(posted => posted.Room).ToHashSet();
        Assert.NotEmpty(victimsRooms);
        await victim.Kill();
        var survivors = _nodes.Where(node => node != victim).ToArray();

        await Eventually(async () =>
        {
            foreach (var node in survivors)
            {
                var entries = await node.Get<List<EntryView>>(_http, "/entries");
                Assert.DoesNotContain(entries, entry => entry.Node == victim.Address);
                Assert.Equal(rooms.Length - victimsRooms.Count, entries.Count);
            }
        });

        var second = await Task.WhenAll(rooms.Select((room, i) => Post(survivors[i % 2], room, "again")));
        Assert.All(second, posted =>
        {
            Assert.NotEqual(victim.Address, posted.Host);
            // A room that died with the victim starts over; every other room kept its history.
            Assert.Equal(victimsRooms.Contains(posted.Room) ? 1 : 2, posted.Lines);
        });
        await Eventually(async () =>
        {
            foreach (var node in survivors)
                Assert.Equal(rooms.Length, (await node.Get<List<EntryView>>(_http, "/entries")).Count);
        });
    }

    private async Task<DemoNodeProcess> Start(string seeds)
    {
        var node = await DemoNodeProcess.Start(seeds, Patience);
        lock (_nodes) _nodes.Add(node);
        return node;
    }

    private async Task<Posted> Post(DemoNodeProcess node, string room, string text)
    {
        using var response = await _http.PostAsync(new Uri(node.Http, $"/rooms/{room}"), new StringContent(text));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Posted>())!;
    }

    private async Task ExpectStatus(HttpStatusCode expected, DemoNodeProcess node, string path, string body)
    {
        using var response = await _http.PostAsync(new Uri(node.Http, path), new StringContent(body));
        Assert.Equal(expected, response.StatusCode);
    }

    private Task Eventually(Func<Task> assertion) => AwaitAssertAsync(assertion, Patience, TimeSpan.FromMilliseconds(250));

    private sealed record ClusterView(string Self, List<MemberView> Members, List<string> Unreachable);

    private sealed record MemberView(string Address, string Status);

    private sealed record EntryView(string Key, string Pid, string Node);

    private sealed record Posted(string Room, int Lines, string Host);
}
