using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ProcessRegistry.Akka.Demo;

/// <summary>
/// The node's HTTP API, all read from or sent through this node:
/// GET /cluster (members as this node sees them), GET /entries (its replica of the registry),
/// GET /entries/{key} (one key), POST /rooms/{room} (the body is posted to the room, spawned on demand).
/// </summary>
internal static class HttpApi
{
    private static readonly TimeSpan PostTimeout = TimeSpan.FromSeconds(30);

    public static void Map(WebApplication app)
    {
        app.MapGet("/cluster", (ActorSystem system) =>
        {
            var state = Cluster.Get(system).State;
            return new ClusterView(
                Cluster.Get(system).SelfAddress.ToString(),
                state.Members.Select(m => new MemberView(m.Address.ToString(), m.Status.ToString())).ToList(),
                state.Unreachable.Select(m => m.Address.ToString()).ToList());
        });

        app.MapGet("/entries", (ProcessRegistry registry) =>
            registry.Entries().OrderBy(e => e.Key, StringComparer.Ordinal).Select(EntryView.Of).ToList());

        app.MapGet("/entries/{**key}", (string key, ProcessRegistry registry) =>
            registry.Lookup(key) is { } entry ? Results.Ok(EntryView.Of(entry)) : Results.NotFound());

        app.MapPost("/rooms/{room}", async (string room, HttpRequest request, IRequiredActor<Concierge> concierge, CancellationToken cancel) =>
        {
            var text = await new StreamReader(request.Body).ReadToEndAsync(cancel);
            var actor = await concierge.GetAsync(cancel);
            return await actor.Ask<Posted>(new PostToRoom(room, text), PostTimeout, cancel);
        });
    }

    private sealed record ClusterView(string Self, IReadOnlyList<MemberView> Members, IReadOnlyList<string> Unreachable);

    private sealed record MemberView(string Address, string Status);

    private sealed record EntryView(string Key, string Pid, string Node, IReadOnlyDictionary<string, string> Metadata)
    {
        public static EntryView Of(RegistryEntry entry) =>
            new(entry.Key, entry.Pid.Path.ToStringWithAddress(entry.Node), entry.Node.ToString(), entry.Metadata);
    }
}
