namespace TokenPortal.Core.Gateway;

/// <summary>Which output bound fields a chat request carried.</summary>
[Flags]
public enum OutputLimitField
{
    None = 0,
    MaxTokens = 1,
    MaxCompletionTokens = 2,
}
