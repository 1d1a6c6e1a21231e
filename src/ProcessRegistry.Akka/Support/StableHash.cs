namespace ProcessRegistry.Akka.Support;

/// <summary>FNV-1a over a string's UTF-16 code units: the same on every node and every run, unlike string.GetHashCode.</summary>
internal static class StableHash
{
    public static uint Of(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
            hash = (hash ^ c) * 16777619u;
        return hash;
    }

    /// <summary>Which of <paramref name="count"/> slots <paramref name="text"/> falls in, the same on every node.</summary>
    public static int SlotOf(string text, int count) => (int)(Of(text) % (uint)count);
}
