using System.Text;

namespace PhaseFlow.Experiments;

/// <summary>User text (a problem file's strings and keys, option values, paths) as it may appear in a message: quoted,
/// control characters and lone surrogates escaped JSON-style, and cut to <see cref="MaxLength"/> characters — so a
/// message stays one line, prints no terminal escape sequences and is never megabytes long.</summary>
public static class UserText
{
    /// <summary>Characters of user text kept in a message; the rest is replaced by an ellipsis.</summary>
    public const int MaxLength = 60;

    /// <summary><paramref name="text"/> in double quotes, escaped and truncated (<c>"gd"</c>, <c>"a\nb"</c>, <c>"xxx…"</c>).</summary>
    public static string Quote(string? text)
    {
        if (text is null) return "null";
        var sb = new StringBuilder(Math.Min(text.Length, MaxLength) + 8).Append('"');
        int end = Math.Min(text.Length, MaxLength);
        // Never cut a surrogate pair in two.
        if (end < text.Length && end > 0 && char.IsHighSurrogate(text[end - 1]) && char.IsLowSurrogate(text[end])) end--;
        Escape(sb, text.AsSpan(0, end), quotes: true);
        if (end < text.Length) sb.Append('…');
        return sb.Append('"').ToString();
    }

    /// <summary>A name (a key, a file name) as is when it is plain (letters, digits, '_', '-', '.', at most
    /// <see cref="MaxLength"/> characters), otherwise quoted as by <see cref="Quote"/>.</summary>
    public static string Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool plain = name.Length is > 0 and <= MaxLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
        return plain ? name : Quote(name);
    }

    /// <summary>A whole message on one line: control characters and lone surrogates escaped, nothing quoted or cut (the
    /// user text inside was already quoted where it was put in).</summary>
    public static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sb = new StringBuilder(message.Length);
        Escape(sb, message, quotes: false);
        return sb.ToString();
    }

    private static void Escape(StringBuilder sb, ReadOnlySpan<char> text, bool quotes)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            switch (c)
            {
                case '"' when quotes: sb.Append("\\\""); break;
                case '\\' when quotes: sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    // C0/C1 controls (ESC starts terminal sequences), DEL, bidirectional overrides and lone surrogates.
                    if (char.IsControl(c) || char.IsSurrogate(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
                        sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
    }
}
