using Akka.Actor;
using ProcessRegistry.Akka.Registry;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// A caller's request to this node's <see cref="SpawnClient"/>: the process of <paramref name="Key"/>,
/// started if there is none, from <paramref name="Props"/> or by the spawn kind named
/// <paramref name="Kind"/> (whose factory runs on the node that starts it: only the name travels).
/// <paramref name="Arguments"/> are the props' constructor arguments in their wire form
/// (<see cref="PropsWire"/>), made by the check on the calling node.
/// </summary>
/// <remarks>
/// A request read from the wire that a node refuses (a type it does not allow, arguments it
/// cannot read) has no props and says why in <paramref name="Refusal"/>. A
/// <paramref name="Revival"/> is a durable keeper's: it starts the key only if the durable set of
/// the node that would start it still lists the key running on a gone node, and on no member.
/// </remarks>
internal sealed record SpawnRequest(string Key, Props? Props, byte[] Arguments, string? Refusal = null, string? Kind = null, bool Revival = false)
{
    /// <summary>A request by kind: the key and the kind's name are all it carries.</summary>
    public static SpawnRequest OfKind(string key, string kind) => new(key, null, PropsWire.NoArguments, Kind: kind);

    /// <summary>A durable keeper's request for a key left without a node (see <see cref="Revival"/>).</summary>
    public static SpawnRequest Revive(string key, string kind) => OfKind(key, kind) with { Revival = true };
}

/// <summary>
/// Every request one node has for the keys of <paramref name="Shard"/>, sent through the spawn
/// region to that shard's <see cref="SpawnHost"/>, the only one in the cluster.
/// </summary>
internal sealed record SpawnBatch(int Shard, IReadOnlyList<SpawnRequest> Requests);

/// <summary>
/// Requests a shard's <see cref="SpawnHost"/> places on one node, to that node's
/// <see cref="SpawnAgent"/>: each with the client that waits for it, which the agent answers itself.
/// </summary>
internal sealed record StartBatch(IReadOnlyList<(SpawnRequest Request, IActorRef Client)> Starts);

/// <summary>A node's answers to one node's <see cref="SpawnClient"/>, as many as it had ready.</summary>
internal sealed record SpawnResults(IReadOnlyList<SpawnResult> Results);

/// <summary>
/// The host's answer for <paramref name="Key"/>: the record of the process that holds it, or why
/// its process could not start; neither when the process stopped while it was being registered,
/// and the client asks again.
/// </summary>
internal sealed record SpawnResult(string Key, EntryRecord? Record, string? Failure)
{
    public static SpawnResult Holder(EntryRecord record) => new(record.Key, record, null);

    public static SpawnResult Failed(string key, string failure) => new(key, null, failure);

    public static SpawnResult AskAgain(string key) => new(key, null, null);
}

/// <summary>
/// A leaving node's processes of <paramref name="Keys"/> are about to hand off, to every member's
/// agent: each marks the keys it holds as the sender's (<see cref="MovingKeys"/>), then answers
/// <see cref="KeysMovingSeen"/>.
/// </summary>
internal sealed record KeysMoving(IReadOnlyList<string> Keys);

/// <summary>A member's answer to <see cref="KeysMoving"/>: it marked them, and sends their processes nothing more through RefFor.</summary>
internal sealed record KeysMovingSeen
{
    public static readonly KeysMovingSeen Instance = new();
}

/// <summary>
/// A leaving node asks the successor's agent to start the successors of <paramref name="Keys"/>,
/// by kind, without registering them; the agent answers <see cref="SuccessorsReady"/>.
/// </summary>
internal sealed record PrepareSuccessors(IReadOnlyList<(string Key, string Kind)> Keys);

/// <summary>The successors an agent started for <see cref="PrepareSuccessors"/>; each is sent its key's state next.</summary>
internal sealed record SuccessorsReady(IReadOnlyList<(string Key, IActorRef Successor)> Successors);

/// <summary>
/// The leaving node handed the state of <paramref name="Keys"/> to their successors and removed
/// its own records (whose versions each successor registers over): register them.
/// </summary>
internal sealed record RegisterSuccessors(IReadOnlyList<(string Key, long Over)> Keys);
