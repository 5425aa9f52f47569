namespace TokenPortal.Tests.Infrastructure;

/// <summary>
/// The shared catalog plus <c>reasoner-test</c>, an OpenAI-compatible model that thinks aloud (<c>fake-reasoning</c>, DeepSeek-reasoner
/// style), at the fake's usual prices. Its own fixture: the shared catalog is paged in the admin pages' tests, and one more model
/// there can push the ones those tests look for onto the next page.
/// </summary>
public sealed class ReasoningUpstreamFixture : GatewayFixture
{
    public const string ReasonerModel = "reasoner-test";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        GatewaySettings.AddFakeModel(settings, 90, ReasonerModel, "fake-reasoning");
        settings["TokenPortal:Models:90:Reasoning"] = "true";
    }
}
