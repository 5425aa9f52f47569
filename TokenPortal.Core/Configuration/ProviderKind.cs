namespace TokenPortal.Core.Configuration;

public enum ProviderKind
{
    OpenAI,
    OpenAICompatible,
    Anthropic,
    Gemini,
}
