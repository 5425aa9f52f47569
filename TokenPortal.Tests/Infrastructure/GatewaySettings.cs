namespace TokenPortal.Tests.Infrastructure;

/// <summary>
/// The configuration tests run with: one provider (the fake upstream) and one public model per
/// fake scenario, all at the same prices, so expected costs are easy to state exactly.
/// </summary>
public static class GatewaySettings
{
    public const decimal InputPerMillionUsd = 2m;
    public const decimal CachedInputPerMillionUsd = 0.5m;
    public const decimal OutputPerMillionUsd = 8m;
    public const int MaxOutputTokens = 1000;

    /// <summary>Public model ids; each maps to upstream model <c>fake-{id}</c> except <c>gpt-test</c> (fake-echo).</summary>
    public static readonly string[] Scenarios = ["500", "400", "hang", "garbage", "no-usage", "overrun", "cut", "slow", "long", "stall", "deepseek"];

    /// <param name="productionLimits">False (the default) lifts the per-user and per-key limits so tests can send bursts; true keeps the shipped defaults.</param>
    public static Dictionary<string, string?> Create(string databasePath, Uri upstream, int timeoutSeconds = 2, bool productionLimits = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["TokenPortal:Database:ConnectionString"] = $"Data Source={databasePath}",
            ["TokenPortal:SignupCreditUsd"] = "0",
            ["TokenPortal:MaxRequestBodyBytes"] = "65536",
            ["TokenPortal:Providers:0:Name"] = "fake",
            ["TokenPortal:Providers:0:Kind"] = "OpenAICompatible",
            ["TokenPortal:Providers:0:BaseUrl"] = upstream.ToString(),
            ["TokenPortal:Providers:0:ApiKey"] = "sk-upstream-secret",
            ["TokenPortal:Providers:0:TimeoutSeconds"] = timeoutSeconds.ToString(),
            // Test hosts share the test process: none of them hands its pages out (StartupPagesReleaseTests does, on purpose).
            ["TokenPortal:Operations:ReleaseStartupPagesAfterSeconds"] = "0",
        };
        settings["TokenPortal:Providers:1:Name"] = "anthropic";
        settings["TokenPortal:Providers:1:Kind"] = "Anthropic";
        settings["TokenPortal:Providers:1:BaseUrl"] = upstream.GetLeftPart(UriPartial.Authority);
        settings["TokenPortal:Providers:1:ApiKey"] = "sk-ant-upstream";
        settings["TokenPortal:Providers:1:TimeoutSeconds"] = timeoutSeconds.ToString();
        var claude = new[] { ("claude-test", "claude-echo"), ("claude-tools", "claude-tools"), ("claude-overloaded", "claude-overloaded"), ("claude-malformed", "claude-malformed"),
            ("claude-no-usage", "claude-no-usage"), ("claude-partial", "claude-partial"), ("claude-cache", "claude-cache"), ("claude-cache-all", "claude-cache-all"),
            ("claude-thinking", "claude-thinking") };
        for (var i = 0; i < claude.Length; i++)
        {
            var prefix = $"TokenPortal:Models:{60 + i}:";
            settings[prefix + "Id"] = claude[i].Item1;
            settings[prefix + "Provider"] = "anthropic";
            settings[prefix + "UpstreamModel"] = claude[i].Item2;
            settings[prefix + "InputPerMillionUsd"] = "3";
            settings[prefix + "CachedInputPerMillionUsd"] = "0.3";
            settings[prefix + "OutputPerMillionUsd"] = "15";
            settings[prefix + "MaxOutputTokens"] = claude[i].Item1 == "claude-thinking" ? "8192" : "1024";
        }
        settings["TokenPortal:Providers:3:Name"] = "gemini";
        settings["TokenPortal:Providers:3:Kind"] = "Gemini";
        settings["TokenPortal:Providers:3:BaseUrl"] = upstream.GetLeftPart(UriPartial.Authority);
        settings["TokenPortal:Providers:3:ApiKey"] = "gemini-upstream-key";
        settings["TokenPortal:Providers:3:TimeoutSeconds"] = timeoutSeconds.ToString();
        var gemini = new[] { ("gemini-test", "gemini-echo", "Chat"), ("gemini-tools", "gemini-tools", "Chat"), ("gemini-safety", "gemini-safety", "Chat"),
            ("gemini-error", "gemini-error", "Chat"), ("gemini-embed", "gemini-embed", "Embedding"), ("gemini-no-usage", "gemini-no-usage", "Chat"),
            ("gemini-partial", "gemini-partial", "Chat"), ("gemini-thinking", "gemini-thinking", "Chat") };
        for (var i = 0; i < gemini.Length; i++)
        {
            var prefix = $"TokenPortal:Models:{70 + i}:";
            settings[prefix + "Id"] = gemini[i].Item1;
            settings[prefix + "Provider"] = "gemini";
            settings[prefix + "UpstreamModel"] = gemini[i].Item2;
            settings[prefix + "Kind"] = gemini[i].Item3;
            settings[prefix + "InputPerMillionUsd"] = "1";
            settings[prefix + "CachedInputPerMillionUsd"] = "0.25";
            settings[prefix + "OutputPerMillionUsd"] = "4";
            settings[prefix + "MaxOutputTokens"] = "2048";
        }
        if (!productionLimits)
        {
            settings["TokenPortal:Defaults:UserMaxConcurrent"] = "1000";
            settings["TokenPortal:Defaults:KeyRpm"] = "1000000";
            settings["TokenPortal:Defaults:MaxKeyRpm"] = "1000000";
            // Every test signs up and logs in from loopback.
            settings["TokenPortal:Signup:MaxPerAddressPerHour"] = "100000";
            settings["TokenPortal:Signup:MaxLoginsPerAddressPerHour"] = "100000";
        }
        var models = new List<(string Id, string Upstream, string Kind)> { ("gpt-test", "fake-echo", "Chat"), ("embed-test", "fake-embed", "Embedding") };
        models.AddRange(Scenarios.Select(s => (s, $"fake-{s}", "Chat")));
        for (var i = 0; i < models.Count; i++)
        {
            AddFakeModel(settings, i, models[i].Id, models[i].Upstream);
            settings[$"TokenPortal:Models:{i}:Kind"] = models[i].Kind;
        }
        settings["TokenPortal:Models:0:Aliases:0"] = "Test GPT";
        settings["TokenPortal:Models:0:ContextLength"] = "128000";
        settings["TokenPortal:Models:0:InputModalities:0"] = "Text";
        settings["TokenPortal:Models:0:InputModalities:1"] = "image";
        // A thinking model whose provider reports no usage, and one whose operator priced in the priority tier.
        AddFakeModel(settings, 95, "reasoning-no-usage", "fake-no-usage");
        settings["TokenPortal:Models:95:Reasoning"] = "true";
        AddFakeModel(settings, 96, "gpt-priority", "fake-echo");
        settings["TokenPortal:Models:96:AllowedParameters:0"] = "service_tier";
        return settings;
    }

    public static void AddFakeModel(Dictionary<string, string?> settings, int index, string id, string upstreamModel)
    {
        var prefix = $"TokenPortal:Models:{index}:";
        settings[prefix + "Id"] = id;
        settings[prefix + "Provider"] = "fake";
        settings[prefix + "UpstreamModel"] = upstreamModel;
        settings[prefix + "InputPerMillionUsd"] = InputPerMillionUsd.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings[prefix + "CachedInputPerMillionUsd"] = CachedInputPerMillionUsd.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings[prefix + "OutputPerMillionUsd"] = OutputPerMillionUsd.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings[prefix + "MaxOutputTokens"] = MaxOutputTokens.ToString();
    }

    /// <summary>What the fake's standard answer (42 prompt tokens of which 10 cached, <paramref name="completionTokens"/> out) costs, in micro-USD.</summary>
    public static long EchoCostMicros(int completionTokens = 7)
    {
        // (32 x 2 + 10 x 0.5 + n x 8) micro-USD, exactly: prices are per million tokens.
        var picoUsd = 32 * 2_000_000L + 10 * 500_000L + completionTokens * 8_000_000L;
        return (picoUsd + 999_999) / 1_000_000;
    }
}
