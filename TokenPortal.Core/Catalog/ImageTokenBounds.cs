using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Catalog;

/// <summary>
/// The most one image can cost in prompt tokens, by provider, when a model's catalog entry does not say
/// (<c>MaxImageTokens</c>). OpenAI: 1,536 patches at gpt-4.1-nano's 2.46x, above every tile-priced model's high-detail
/// maximum but gpt-4o-mini's (48,169: set it on that model). Anthropic: 4,784, Claude's largest image from Opus 4.7 on
/// (1,600 before it). Gemini: 16 tiles of 258. Other OpenAI-compatible servers: as OpenAI.
/// </summary>
public static class ImageTokenBounds
{
    public const int OpenAI = 3_779;
    public const int Anthropic = 4_784;
    public const int Gemini = 4_128;

    public static int For(ProviderKind kind) => kind switch
    {
        ProviderKind.Anthropic => Anthropic,
        ProviderKind.Gemini => Gemini,
        _ => OpenAI,
    };
}
