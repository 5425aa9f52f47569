using TokenPortal.Core.Configuration;
using TokenPortal.Core.Providers.Anthropic;
using TokenPortal.Core.Providers.Gemini;
using TokenPortal.Core.Providers.OpenAI;

namespace TokenPortal.Core.Providers;

/// <inheritdoc />
internal sealed class ProviderAdapters(TimeProvider clock, Gateway.TokenCounter tokens) : IProviderAdapters
{
    private readonly OpenAIAdapter _openAI = new(ProviderKind.OpenAI);
    private readonly OpenAIAdapter _openAICompatible = new(ProviderKind.OpenAICompatible);
    private readonly AnthropicAdapter _anthropic = new(clock, tokens);
    private readonly GeminiAdapter _gemini = new(clock);

    public IProviderAdapter For(ProviderKind kind) => kind switch
    {
        ProviderKind.OpenAI => _openAI,
        ProviderKind.OpenAICompatible => _openAICompatible,
        ProviderKind.Anthropic => _anthropic,
        ProviderKind.Gemini => _gemini,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No adapter speaks this provider kind."),
    };
}
