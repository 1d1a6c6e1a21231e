using System.Globalization;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// What the durable set holds for one key: the kind that starts it, and the node that runs it (its
/// address and uid, so a node started again under the same address is another node). The set is
/// written by any member and read from the wire, so <see cref="TryDecode"/> refuses what it cannot
/// trust rather than guessing.
/// </summary>
internal sealed record DurableKey(string Kind, string NodeAddress, long NodeUid)
{
    private const char Separator = '\u001f';
    private const int MaxAddressLength = 512;

    public static DurableKey On(string kind, UniqueAddress node) => new(kind, node.Address.ToString(), node.Uid);

    public bool IsOn(UniqueAddress node) => NodeUid == node.Uid && NodeAddress == node.Address.ToString();

    public string Encode() => string.Join(Separator, Kind, NodeAddress, NodeUid.ToString(CultureInfo.InvariantCulture));

    /// <summary>The decoded value, or null when it is not three well-formed parts: a kind name, an address and a uid.</summary>
    public static DurableKey? TryDecode(string? value)
    {
        if (value is null) return null;
        var parts = value.Split(Separator);
        if (parts.Length != 3 || SpawnKinds.NameProblem(parts[0]) is not null) return null;
        if (parts[1].Length is 0 or > MaxAddressLength) return null;
        if (!long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var uid)) return null;
        return new DurableKey(parts[0], parts[1], uid);
    }
}
