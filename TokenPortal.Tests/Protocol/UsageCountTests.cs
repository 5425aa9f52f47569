using System.Text.Json.Nodes;
using TokenPortal.Core.Protocol;

namespace TokenPortal.Tests.Protocol;

/// <summary>Anthropic's and Gemini's usage counts read as the OpenAI scanner reads them: never a bill of 0 for a count that is only oddly written.</summary>
public sealed class UsageCountTests
{
    [Theory]
    [InlineData("""{"n":42}""", 42)]
    [InlineData("""{"n":42.0}""", 42)]
    [InlineData("""{"n":41.2}""", 42)]
    [InlineData("""{"n":1e12}""", int.MaxValue)]
    [InlineData("""{"n":-3}""", null)]
    [InlineData("""{"n":"42"}""", null)]
    [InlineData("""{"n":null}""", null)]
    [InlineData("""{}""", null)]
    public void From_ReadsACount_OrNoneForTheEstimateToFill(string json, int? count) =>
        Assert.Equal(count, UsageCount.From(JsonNode.Parse(json)!["n"]));
}
