using System.Text;
using Microsoft.ML.Tokenizers;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Tests.Gateway;

public sealed class O200kTokenizerTests
{
    private static readonly TiktokenTokenizer Library = TiktokenTokenizer.CreateForEncoding("o200k_base");
    private static readonly O200kTokenizer Tokenizer = O200kTokenizer.Shared;

    [Fact]
    public void CountTokens_WrittenTexts_MatchTheLibraryWholeAndPerPiece()
    {
        // A loop, not a theory: a theory's strings are serialized, which turns lone surrogates into U+FFFD.
        foreach (var text in O200kCorpus.Written)
        {
            AssertPiecesMatch(text);
            Assert.True(Library.CountTokens(text) == Tokenizer.CountTokens(text), Describe(text));
        }
    }

    [Fact]
    public void CountTokens_ThousandsOfRandomTexts_MatchTheLibraryWholeAndPerPiece()
    {
        foreach (var text in O200kCorpus.RandomUnicode(11, 3000).Concat(O200kCorpus.RandomBytes(12, 1000))
                     .Concat(O200kCorpus.RandomEncoded(13, 600)).Concat(O200kCorpus.RandomAscii(14, 2000)))
        {
            AssertPiecesMatch(text);
            Assert.True(Library.CountTokens(text) == Tokenizer.CountTokens(text), Describe(text));
        }
    }

    [Fact]
    public void CountTokens_EveryVocabularyTokenAsText_MatchesTheLibrary()
    {
        var vocabulary = O200kVocabulary.Shared;
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var single = 0;
        for (var rank = 0; rank < vocabulary.Count; rank++)
        {
            var bytes = vocabulary.Token(rank);
            if (!System.Text.Unicode.Utf8.IsValid(bytes))
                continue;
            var text = strict.GetString(bytes);
            var expected = Library.CountTokens(text);
            Assert.True(expected == Tokenizer.CountTokens(text), $"rank {rank}: {Describe(text)}");
            single += expected == 1 ? 1 : 0;
        }
        // Nearly all are one piece and one token; the rest the pre-tokenizer cuts (as "\n\n " or ".\n").
        Assert.InRange(single, 190_000, vocabulary.Count);
    }

    [Fact]
    public void Merge_EveryVocabularyToken_EndsAsThatOneToken()
    {
        // What lets CountPiece answer 1 for a piece that is a token, without merging it, the library's way.
        var vocabulary = O200kVocabulary.Shared;
        for (var rank = 0; rank < vocabulary.Count; rank++)
            Assert.True(BytePairCounter.Count(vocabulary.Token(rank), vocabulary) == 1, $"rank {rank}: {Convert.ToHexString(vocabulary.Token(rank))}");
    }

    [Theory]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("qzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkwqzxjvkw")]
    [InlineData("字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字")]
    public void CountTokens_PiecesLongerThanTheLibrarysQuadraticLimit_StillMatch(string text)
    {
        // Past 128 bytes the library merges with a heap; ours stays quadratic, with the same result.
        Assert.Equal(Library.CountTokens(text), Tokenizer.CountTokens(text));
    }

    [Fact]
    public void CountTokens_ASpecialTokenInTheText_CountsAsThePiecesItIsMadeOf()
    {
        // The library counts "<|endoftext|>" as one special token; in a caller's message it is text (as OpenAI's API
        // reads it), and counting it as one would let a prompt stuffed with it reserve less than it costs.
        var asText = Library.CountTokens("<|") + Library.CountTokens("endoftext") + Library.CountTokens("|>");

        Assert.True(asText > 1);
        Assert.Equal(asText, Tokenizer.CountTokens("<|endoftext|>"));
        Assert.Equal(2 * asText + Library.CountTokens("Hello") + Library.CountTokens(" world"), Tokenizer.CountTokens("Hello<|endoftext|> world<|endoftext|>"));
    }

    [Fact]
    public void CountTokens_AfterWarmUp_AllocatesNothing()
    {
        const string text = "Some prose, CamelCase, 12345, 😀👍🏽, \ud800 and   spaces\r\n<|endoftext|>";
        Tokenizer.CountTokens(text);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Tokenizer.CountTokens(text);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>The same pieces as the library's pre-tokenizer, each counted the same.</summary>
    private static void AssertPiecesMatch(string text)
    {
        var expected = Library.PreTokenizer!.PreTokenize(text).ToArray();
        var actual = new List<(int, int)>();
        foreach (var match in O200kPreTokenizer.Pieces().EnumerateMatches(text))
            actual.Add((match.Index, match.Length));
        Assert.True(expected.SequenceEqual(actual), $"pieces of {Describe(text)}");
        foreach (var (offset, length) in expected)
        {
            var piece = text.AsSpan(offset, length);
            Assert.True(Library.CountTokens(piece) == Tokenizer.CountTokens(piece), $"piece {Describe(piece.ToString())} of {Describe(text)}");
        }
    }

    private static string Describe(string text) => $"\"{text}\" ({string.Join(' ', text.Select(c => ((int)c).ToString("X4")))})";
}
