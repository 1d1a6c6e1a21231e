using System.Net;
using System.Net.Http.Json;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.Processes;

/// <summary>
/// The deployed shape: three demo nodes as separate OS processes (the settings docker-compose
/// passes, on 127.0.0.1 with dynamic ports), driven only over their HTTP API, one killed with SIGKILL.
/// </summary>
public sealed class DemoProcessSpecs(ITestOutputHelper output) : DemoProcessSpec(output)
{
    [Fact]
    public async Task Killed_node_leaves_every_view_and_its_rooms_are_spawned_again_on_the_survivors()
    {
        var seed = await Start("");
        await Task.WhenAll(Start(seed.Address), Start(seed.Address));
        await Eventually(async () =>
        {
            foreach (var node in Nodes)
            {
                var view = await node.Get<ClusterView>(Http, "/cluster");
                Assert.Equal(3, view.Members.Count(m => m.Status == "Up"));
                using var ready = await Http.GetAsync(new Uri(node.Http, "/health/ready"));
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }
        });

        // Bad input is refused where it enters, at once, and spawns nothing.
        await ExpectStatus(HttpStatusCode.BadRequest, Nodes[0], $"/rooms/{new string('r', 65)}", "hi");
        await ExpectStatus(HttpStatusCode.BadRequest, Nodes[0], "/rooms/a%20b", "hi");
        await ExpectStatus(HttpStatusCode.RequestEntityTooLarge, Nodes[0], "/rooms/big", new string('x', 4097));
        using (var longKey = await Http.GetAsync(new Uri(Nodes[1].Http, $"/entries/{new string('k', 600)}")))
            Assert.Equal(HttpStatusCode.BadRequest, longKey.StatusCode);
        Assert.Empty(await Nodes[2].Get<List<EntryView>>(Http, "/entries"));

        var rooms = Enumerable.Range(0, 30).Select(i => $"r{i}").ToArray();
        var first = await Task.WhenAll(rooms.Select((room, i) => Post(Nodes[i % 3], room, "hello")));
        Assert.All(first, posted => Assert.Equal(1, posted.Lines));
        await Eventually(async () =>
        {
            foreach (var node in Nodes)
                Assert.Equal(rooms.Length, (await node.Get<List<EntryView>>(Http, "/entries")).Count);
        });

        var victim = Nodes.MaxBy(node => first.Count(posted => posted.Host == node.Address))!;
        var victimsRooms = first.Where(posted => posted.Host == victim.Address).Select(posted => posted.Room).ToHashSet();
        Assert.NotEmpty(victimsRooms);
        await victim.Kill();
        var survivors = Nodes.Where(node => node != victim).ToArray();

        await Eventually(async () =>
        {
            foreach (var node in survivors)
            {
                var entries = await node.Get<List<EntryView>>(Http, "/entries");
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
                Assert.Equal(rooms.Length, (await node.Get<List<EntryView>>(Http, "/entries")).Count);
        });
    }

    private async Task<Posted> Post(DemoNodeProcess node, string room, string text)
    {
        using var response = await Http.PostAsync(new Uri(node.Http, $"/rooms/{room}"), new StringContent(text));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Posted>())!;
    }

    private async Task ExpectStatus(HttpStatusCode expected, DemoNodeProcess node, string path, string body)
    {
        using var response = await Http.PostAsync(new Uri(node.Http, path), new StringContent(body));
        Assert.Equal(expected, response.StatusCode);
    }

    private sealed record Posted(string Room, int Lines, string Host);
}
