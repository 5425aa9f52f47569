using TokenPortal.Core.Gateway;

namespace TokenPortal.Tests.Gateway;

public sealed class TokenCounterTests
{
    private static readonly TokenCounter Tokens = new();

    [Fact]
    public void Count_OrdinaryTextIsCountedExactlyAsO200k()
    {
        var text = string.Join(' ', Enumerable.Repeat("The quick brown fox jumps over the lazy dog.", 40));
        var tokenizer = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("o200k_base");

        Assert.Equal(tokenizer.CountTokens(text), Tokens.Count(text));
    }

    [Fact]
    public async Task Count_AHalfMegabyteRunOfOneCharacter_DoesNotStallTheGateway()
    {
        // Whole, this one "word" took over a minute of BPE merging; in runs it takes milliseconds (bench/run --estimate).
        var run = new string('a', 500_000);

        var count = await Task.Run(() => Tokens.Count(run)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.InRange(count, run.Length / 32, run.Length / 2);
    }

    [Fact]
    public void Count_RunsAreNeverCutBetweenTheHalvesOfASurrogatePair()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 100));
        var tokenizer = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("o200k_base");

        // A cut between halves would count two replacement characters per emoji, well above the whole-text count.
        Assert.InRange(Tokens.Count(emoji), tokenizer.CountTokens(emoji), tokenizer.CountTokens(emoji) + 10);
    }
}
