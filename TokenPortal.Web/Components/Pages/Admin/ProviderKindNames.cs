using TokenPortal.Core.Configuration;

namespace TokenPortal.Web.Components.Pages.Admin;

/// <summary>How the admin pages name each kind of provider, and the base URL its API usually lives at.</summary>
internal static class ProviderKindNames
{
    public static string Label(ProviderKind kind) => kind switch
    {
        ProviderKind.OpenAI => "OpenAI",
        ProviderKind.OpenAICompatible => "OpenAI-compatible",
        ProviderKind.Anthropic => "Anthropic",
        ProviderKind.Gemini => "Google Gemini",
        _ => kind.ToString(),
    };

    public static string ExampleBaseUrl(ProviderKind kind) => kind switch
    {
        ProviderKind.OpenAI => "https://api.openai.com/v1",
        ProviderKind.Anthropic => "https://api.anthropic.com",
        ProviderKind.Gemini => "https://generativelanguage.googleapis.com",
        _ => "https://api.deepseek.com/v1",
    };
}
