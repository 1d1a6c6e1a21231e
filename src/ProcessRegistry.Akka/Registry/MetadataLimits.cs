using System.Text;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// The metadata rules, in one place for the caller's node (which refuses bad input before
/// sending anything) and the owner (which checks the result of a metadata update).
/// </summary>
internal static class MetadataLimits
{
    /// <summary>What is wrong with <paramref name="metadata"/>, or null when it is acceptable.</summary>
    public static string? Violation(IEnumerable<KeyValuePair<string, string?>> metadata, ProcessRegistrySettings settings)
    {
        var count = 0;
        var bytes = 0;
        foreach (var (name, value) in metadata)
        {
            if (string.IsNullOrEmpty(name))
                return "Metadata label names must not be null or empty.";
            if (value is null)
                return $"Metadata label '{name}' has a null value.";
            if (!WellFormedText.IsWellFormed(name) || !WellFormedText.IsWellFormed(value))
                return $"Metadata label '{WellFormedText.Printable(name)}' is not well-formed UTF-16 (a lone surrogate), so it cannot travel to other nodes unchanged.";
            count++;
            bytes += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        }
        if (count > settings.MaxMetadataEntries)
            return $"Metadata has {count} labels; at most {settings.MaxMetadataEntries} are allowed (max-metadata-entries).";
        if (bytes > settings.MaxMetadataBytes)
            return $"Metadata takes {bytes} bytes; at most {settings.MaxMetadataBytes} are allowed (max-metadata-bytes).";
        return null;
    }
}
