using Microsoft.ML.Tokenizers;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Tests.Gateway;

/// <summary>TokenCounter's counts against Microsoft.ML.Tokenizers', word by word as TokenCounter cuts the text.</summary>
public sealed class TokenCounterWordTests
{
    private static readonly TiktokenTokenizer Library = TiktokenTokenizer.CreateForEncoding("o200k_base");

    [Fact]
    public void Count_TextsWithinTheAllowance_AreTheLibrarysCountsOfTheSameWords()
    {
        var tokens = new TokenCounter();
        foreach (var text in O200kCorpus.All())
        {
            // Short enough that every new word is merged, none estimated by its length.
            Assert.InRange(text.Length, 1, 2_048);

            var expected = Words(text).Sum(word => Library.CountTokens(word));

            Assert.True(expected == tokens.Count(text), $"\"{text}\" ({string.Join(' ', text.Select(c => ((int)c).ToString("X4")))})");
        }
    }

    /// <summary>TokenCounter's cuts, as its Count makes them: before whitespace that follows a non-space, and every MaxRun
    /// characters of a longer run, never between the halves of a surrogate pair.</summary>
    private static IEnumerable<string> Words(string text)
    {
        var start = 0;
        for (var i = 1; i < text.Length; i++)
        {
            var wordEnds = char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1]);
            if (wordEnds || (i - start >= TokenCounter.MaxRun && !char.IsLowSurrogate(text[i])))
            {
                yield return text[start..i];
                start = i;
            }
        }
        yield return text[start..];
    }
}
