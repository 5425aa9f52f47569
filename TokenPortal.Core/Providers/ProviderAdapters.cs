using TokenPortal.Core.Configuration;
using TokenPortal.Core.Providers.OpenAI;

namespace TokenPortal.Core.Providers;

/// <inheritdoc />
internal sealed class ProviderAdapters : IProviderAdapters
{
    private readonly OpenAIAdapter _openAI = new(ProviderKind.OpenAI);
    private readonly OpenAIAdapter _openAICompatible = new(ProviderKind.OpenAICompatible);

    public IProviderAdapter For(ProviderKind kind) => kind switch
    {
        ProviderKind.OpenAI => _openAI,
        ProviderKind.OpenAICompatible => _openAICompatible,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No adapter speaks this provider kind."),
    };
}
