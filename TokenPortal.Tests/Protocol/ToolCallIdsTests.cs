using System.Text.Json.Nodes;
using TokenPortal.Core.Protocol;

namespace TokenPortal.Tests.Protocol;

/// <summary>A Gemini thought signature rides in the call id a Messages or Responses client sends back.</summary>
public sealed class ToolCallIdsTests
{
    [Fact]
    public void ASignedCall_RoundTripsThroughItsId_AndAPlainOneIsLeftAlone()
    {
        var signed = JsonNode.Parse("""{"id":"call_1","extra_content":{"google":{"thought_signature":"CiQB+/sig=="}}}""")!;
        var plain = JsonNode.Parse("""{"id":"toolu_01"}""")!;

        var id = ToolCallIds.ForClient(signed, "x");

        Assert.Matches("^call_1__gts_[A-Za-z0-9_-]+$", id); // nothing a client would have to escape
        Assert.Equal(("call_1", "CiQB+/sig=="), ToolCallIds.FromClient(id));
        Assert.Equal("toolu_01", ToolCallIds.ForClient(plain, "x"));
        Assert.Equal(("toolu_01", (string?)null), ToolCallIds.FromClient("toolu_01"));
    }

    [Fact]
    public void AnIdThatOnlyLooksLikeOurs_IsKeptWhole()
    {
        Assert.Equal(("weird__gts_***", (string?)null), ToolCallIds.FromClient("weird__gts_***"));
    }
}
