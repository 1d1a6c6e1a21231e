namespace ProcessRegistry.Akka.Support;

/// <summary>
/// Whether a string is well-formed UTF-16: every surrogate in a high-low pair. Keys and metadata
/// travel as UTF-8, where a lone surrogate cannot be written: it would arrive as U+FFFD, so nodes
/// would disagree about the key forever, and two keys could become one.
/// </summary>
internal static class WellFormedText
{
    public static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        var first = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0) return true;
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c)) continue;
            if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
            i++;
        }
        return true;
    }

    /// <summary>A name for an error message, with lone surrogates shown as escapes.</summary>
    public static string Printable(string text) => string.Concat(text.Select(c => char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString()));

    /// <summary>The first <paramref name="length"/> characters of untrusted text, printable, for a log line or an error.</summary>
    public static string Excerpt(string text, int length = 64) => Printable(text.Length > length ? text[..length] : text);
}
