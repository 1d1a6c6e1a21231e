using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// The key rules, in one place for the calling node (which refuses bad input before sending
/// anything), the owner that gets a command from another node, and a spawn host.
/// </summary>
internal static class KeyLimits
{
    /// <summary>What is wrong with <paramref name="key"/>, or null when it is acceptable.</summary>
    public static string? Violation(string key, ProcessRegistrySettings settings)
    {
        if (key.Length == 0)
            return "A registry key must not be empty.";
        if (key.Length > settings.MaxKeyLength)
            return $"A registry key is at most {settings.MaxKeyLength} characters (akka.cluster.process-registry.max-key-length); this one has {key.Length}.";
        if (!WellFormedText.IsWellFormed(key))
            return $"A registry key must be well-formed UTF-16; '{WellFormedText.Printable(key)}' has a lone surrogate, which cannot travel to other nodes unchanged.";
        return null;
    }
}
