using System.Collections.Concurrent;
using System.Text;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// Counts tokens with OpenAI's o200k encoding, for reservations and for usage an upstream did not report, in time linear
/// in the text whatever it holds. The text is cut into words (each with the whitespace before it, as o200k's own
/// pre-tokenizer cuts it; a run of more than <see cref="MaxRun"/> characters without whitespace is cut too, since merging
/// one long "word" is quadratic: a 500 KB run took over a minute). Each word's count comes from a shared cache, or from
/// <see cref="O200kTokenizer"/> while the text's allowance of new words lasts (in characters); past it (random letters, base64, text made to miss the
/// cache), a new word counts as its UTF-8 length, which no byte-level tokenizer exceeds. Every count is an upper bound.
/// </summary>
public sealed class TokenCounter
{
    /// <summary>Longer than nearly every real word; short enough that merging one piece is cheap.</summary>
    internal const int MaxRun = 32;

    /// <summary>
    /// Characters of new words the tokenizer may merge per call, plus one per <see cref="TextPerNewCharacter"/> of text: the
    /// cap on BPE work per character (merging a new 32-character word takes about 4 microseconds; 15 with the library it replaced).
    /// </summary>
    private const int NewCharactersBase = 2_048;
    private const int TextPerNewCharacter = 128;

    /// <summary>Enough for the vocabulary of a great many prompts; a few megabytes at most.</summary>
    private const int CacheCapacity = 65_536;

    private readonly O200kTokenizer _tokenizer = O200kTokenizer.Shared;
    private readonly ConcurrentDictionary<string, int> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _cached;

    public TokenCounter() => _lookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count(ReadOnlySpan<char> text)
    {
        // Most strings of a request are one short word (a role, a name, a schema keyword): straight to the cache.
        if (text.Length <= MaxRun && _lookup.TryGetValue(text, out var known))
            return known;
        var newCharacters = NewCharactersBase + text.Length / TextPerNewCharacter;
        long total = 0;
        var start = 0;
        for (var i = 1; i < text.Length; i++)
        {
            // A word ends where whitespace follows it (the whitespace belongs to the next word, as o200k's pre-tokenizer
            // has it), or at MaxRun characters, but never between the halves of a surrogate pair (each half alone would
            // count as a replacement character).
            var wordEnds = char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1]);
            if (wordEnds || (i - start >= MaxRun && !char.IsLowSurrogate(text[i])))
            {
                total += CountWord(text[start..i], ref newCharacters);
                start = i;
            }
        }
        total += CountWord(text[start..], ref newCharacters);
        return (int)Math.Min(int.MaxValue, total);
    }

    private int CountWord(ReadOnlySpan<char> word, ref int newCharacters)
    {
        if (word.IsEmpty)
            return 0;
        if (_lookup.TryGetValue(word, out var cached))
            return cached;
        if (newCharacters < word.Length)
            return Encoding.UTF8.GetByteCount(word);
        newCharacters -= word.Length;
        var count = _tokenizer.CountTokens(word);
        // Full (text made of words never seen again fills it): start afresh rather than serve only what came first.
        if (Interlocked.Increment(ref _cached) > CacheCapacity)
        {
            _cache.Clear();
            Interlocked.Exchange(ref _cached, 0);
        }
        _lookup.TryAdd(word, count);
        return count;
    }
}
