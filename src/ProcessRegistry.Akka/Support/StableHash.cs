namespace ProcessRegistry.Akka.Support;

/// <summary>Hashes that are the same on every node and every run, unlike string.GetHashCode.</summary>
internal static class StableHash
{
    /// <summary>FNV-1a over a string's UTF-16 code units.</summary>
    public static uint Of(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
            hash = (hash ^ c) * 16777619u;
        return hash;
    }

    /// <summary>Which of <paramref name="count"/> slots <paramref name="text"/> falls in, the same on every node.</summary>
    public static int SlotOf(string text, int count) => (int)(Of(text) % (uint)count);

    /// <summary>SplitMix64's finalizer: spreads every input bit over the whole result.</summary>
    public static long Mix(long value)
    {
        var z = unchecked((ulong)value + 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return unchecked((long)(z ^ (z >> 31)));
    }
}
