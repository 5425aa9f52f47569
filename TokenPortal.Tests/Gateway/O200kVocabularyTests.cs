using System.Diagnostics;
using System.Text;
using TokenPortal.Core.Gateway;
using Xunit.Abstractions;

namespace TokenPortal.Tests.Gateway;

public sealed class O200kVocabularyTests(ITestOutputHelper output)
{
    [Fact]
    public void ReadO200kBase_HoldsEveryRankInAFewMegabytes()
    {
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();

        var vocabulary = TiktokenRanksReader.ReadO200kBase();

        var elapsed = Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        output.WriteLine($"{vocabulary.Count:N0} tokens read in {elapsed.TotalMilliseconds:N0} ms, {allocated:N0} bytes allocated");
        Assert.Equal(199_998, vocabulary.Count);
        // The tables themselves are about 4.3 MB; the rest is the reader's buffers and the arrays cut to size.
        Assert.InRange(allocated, 1, 8_000_000);
    }

    [Fact]
    public void TryGetRank_EveryToken_FindsItsOwnRank()
    {
        var vocabulary = O200kVocabulary.Shared;

        for (var rank = 0; rank < vocabulary.Count; rank++)
        {
            Assert.True(vocabulary.TryGetRank(vocabulary.Token(rank), out var found));
            Assert.Equal(rank, found);
        }
    }

    [Theory]
    [InlineData("!", 0)]
    [InlineData(" the", 290)]
    [InlineData("ing", 289)]
    public void TryGetRank_KnownTokens_HaveTheirO200kRanks(string token, int rank)
    {
        Assert.True(O200kVocabulary.Shared.TryGetRank(Encoding.UTF8.GetBytes(token), out var found));
        Assert.Equal(rank, found);
    }

    [Theory]
    [InlineData("")]
    [InlineData("qzxjvkwqzxjvkw")]
    [InlineData("\u00ff\u00fe\u00fd")]
    public void TryGetRank_NotATokenOrLongerThanAny_IsMissed(string text)
    {
        Assert.False(O200kVocabulary.Shared.TryGetRank(Encoding.Latin1.GetBytes(text), out _));
        Assert.False(O200kVocabulary.Shared.TryGetRank(new byte[129], out _));
    }

    [Fact]
    public void TryGetRank_AllocatesNothing()
    {
        var vocabulary = O200kVocabulary.Shared;
        ReadOnlySpan<byte> hit = " hello"u8;
        ReadOnlySpan<byte> miss = "qzxjvkwqzxjvkw"u8;

        var before = GC.GetAllocatedBytesForCurrentThread();
        vocabulary.TryGetRank(hit, out _);
        vocabulary.TryGetRank(miss, out _);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Read_RanksNumberedOnEachLineWithoutAHeader_AreRead()
    {
        var vocabulary = TiktokenRanksReader.Read(new MemoryStream("YQ== 0\nYg== 1\r\nYWI= 2"u8.ToArray()));

        Assert.Equal(3, vocabulary.Count);
        Assert.True(vocabulary.TryGetRank("ab"u8, out var rank));
        Assert.Equal(2, rank);
        Assert.False(vocabulary.TryGetRank("ba"u8, out _));
    }

    [Theory]
    [InlineData("YQ== 0\nYg== 2\n")]
    [InlineData("YQ==\n\nYg==\n")]
    [InlineData("YQ==\nnot base64!\n")]
    [InlineData("Capacity: many\nYQ==\n")]
    public void Read_MalformedRanks_AreRefused(string ranks)
    {
        Assert.Throws<InvalidDataException>(() => TiktokenRanksReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(ranks))));
    }
}
