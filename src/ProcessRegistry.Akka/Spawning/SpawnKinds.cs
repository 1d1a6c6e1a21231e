using System.Collections.Concurrent;
using Akka.Actor;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// The spawn kinds this node knows: a name, the factory that makes a key's props on the node that
/// hosts it, and the role a host must have. Kinds are the admission list of spawn by kind: a node
/// starts only the kinds it added, and a call naming a kind this node does not know fails at once.
/// </summary>
internal sealed class SpawnKinds
{
    public const int MaxNameLength = 64;

    private readonly ConcurrentDictionary<string, SpawnKind> _kinds = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">A bad name, or a kind of that name was added already.</exception>
    public void Add(string name, Func<string, Props> factory, SpawnKindOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var role = options.Role;
        if (NameProblem(name) is { } problem)
            throw new ArgumentException(problem, nameof(name));
        ArgumentNullException.ThrowIfNull(factory);
        if (role is { Length: 0 })
            throw new ArgumentException("A kind's role is null (any node) or a role name, not empty.", nameof(role));
        if (!_kinds.TryAdd(name, new SpawnKind(name, factory, role, options.Durable, options.HandOff, options.Immovable)))
            throw new ArgumentException($"Spawn kind '{name}' was added on this node already.", nameof(name));
    }

    public bool TryGet(string name, out SpawnKind kind) => _kinds.TryGetValue(name, out kind!);

    /// <summary>The kind named <paramref name="name"/>, or an exception that names it and says how to add it.</summary>
    public SpawnKind Get(string name, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        if (_kinds.TryGetValue(name, out var kind)) return kind;
        throw new ArgumentException(
            $"No spawn kind '{NameForMessage(name)}' was added on this node. Add it on every node that may call or host it: " +
            "registry.AddKind(name, key => props), or WithProcessRegistry(o => o.AddKind(name, (key, services) => props)).", parameter);
    }

    /// <summary>What is wrong with a kind name, or null: 1 to 64 letters, digits, '.', '_', '-' or '/'.</summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "A spawn kind's name must not be null or empty.";
        if (name.Length > MaxNameLength) return $"A spawn kind's name has at most {MaxNameLength} characters.";
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-' or '/'))
                return $"Spawn kind '{NameForMessage(name)}' has a character other than letters, digits, '.', '_', '-' and '/'.";
        }
        return null;
    }

    /// <summary>A kind name as an error message shows it: at most the allowed length, lone surrogates escaped.</summary>
    private static string NameForMessage(string name) => name.Length > MaxNameLength ? name[..MaxNameLength] + "…" : WellFormedText.Printable(name);
}

/// <summary>
/// A spawn kind: its name, the factory of a key's props, the role its hosts must have (null: any),
/// whether its keys are started again when their node is removed, whether its processes move
/// with their state when their node leaves, and whether rebalancing leaves them where they are.
/// </summary>
internal sealed record SpawnKind(string Name, Func<string, Props> Factory, string? Role, bool Durable, bool HandOff, bool Immovable);
