namespace ProcessRegistry.Akka.Support;

/// <summary>
/// Splits what one message would carry into messages that each serialize far below akka.remote's
/// default 128000-byte frame: a larger message is dropped by the transport with an
/// OversizedPayloadException, and the registry's messages grow with the work queued behind them.
/// </summary>
internal static class MessageChunks
{
    public const int BytesPerMessage = 64 * 1024;

    /// <summary>Consecutive runs of <paramref name="items"/> whose estimated sizes add up to at most <see cref="BytesPerMessage"/> (an item larger than that alone); at least one list, possibly empty.</summary>
    public static IEnumerable<List<T>> Of<T>(IEnumerable<T> items, Func<T, int> estimatedSize)
    {
        var chunk = new List<T>();
        var bytes = 0;
        foreach (var item in items)
        {
            var size = estimatedSize(item);
            if (chunk.Count > 0 && bytes + size > BytesPerMessage)
            {
                yield return chunk;
                chunk = new List<T>();
                bytes = 0;
            }
            chunk.Add(item);
            bytes += size;
        }
        yield return chunk;
    }
}
