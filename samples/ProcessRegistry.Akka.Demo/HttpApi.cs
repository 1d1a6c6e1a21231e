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
/// Input is bounded where it enters: a room name is 1 to 64 letters, digits, '-', '_' or '.', a
/// body at most 4 KiB, a key at most the registry's max-key-length; anything else is a 4xx at once.
/// </summary>
internal static class HttpApi
{
    private const int MaxRoomName = 64;
    private const int MaxBodyBytes = 4096;
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

        app.MapGet("/entries", (ClusterProcessRegistry registry) =>
            registry.Entries().OrderBy(e => e.Key, StringComparer.Ordinal).Select(EntryView.Of).ToList());

        app.MapGet("/entries/{**key}", (string key, ClusterProcessRegistry registry) =>
            key.Length > registry.Settings.MaxKeyLength
                ? Results.BadRequest($"A key is at most {registry.Settings.MaxKeyLength} characters.")
                : registry.Lookup(key) is { } entry ? Results.Ok(EntryView.Of(entry)) : Results.NotFound());

        app.MapPost("/rooms/{room}", async (string room, HttpRequest request, IRequiredActor<Concierge> concierge, CancellationToken cancel) =>
        {
            if (!IsRoomName(room))
                return Results.BadRequest($"A room name is 1 to {MaxRoomName} letters, digits, '-', '_' or '.'.");
            if (await ReadBody(request, cancel) is not { } text)
                return Results.Text($"A post is at most {MaxBodyBytes} bytes of UTF-8.", statusCode: StatusCodes.Status413PayloadTooLarge);
            var actor = await concierge.GetAsync(cancel);
            try
            {
                return Results.Ok(await actor.Ask<Posted>(new PostToRoom(room, text), PostTimeout, cancel));
            }
            catch (AskTimeoutException)
            {
                return Results.Text($"Room '{room}' did not answer within {PostTimeout}.", statusCode: StatusCodes.Status504GatewayTimeout);
            }
        });
    }

    private static bool IsRoomName(string room) =>
        room.Length is > 0 and <= MaxRoomName && room.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The body as text, or null when it is longer than allowed (read no further than that) or not UTF-8.</summary>
    private static async Task<string?> ReadBody(HttpRequest request, CancellationToken cancel)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        var buffer = new byte[MaxBodyBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), cancel)) > 0)
            read += n;
        if (read > MaxBodyBytes) return null;
        try
        {
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, read);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
    }

    private sealed record ClusterView(string Self, IReadOnlyList<MemberView> Members, IReadOnlyList<string> Unreachable);

    private sealed record MemberView(string Address, string Status);

    private sealed record EntryView(string Key, string Pid, string Node, IReadOnlyDictionary<string, string> Metadata)
    {
        public static EntryView Of(RegistryEntry entry) =>
            new(entry.Key, entry.Pid.Path.ToStringWithAddress(entry.Node), entry.Node.ToString(), entry.Metadata);
    }
}
