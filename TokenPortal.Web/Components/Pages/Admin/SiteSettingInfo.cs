using TokenPortal.Core.Configuration;

namespace TokenPortal.Web.Components.Pages.Admin;

/// <summary>What the settings page calls a <see cref="SiteSettingKeys"/> entry, and the one line that says what it does.</summary>
public sealed record SiteSettingInfo(string Key, string Label, string Explanation)
{
    public static readonly SiteSettingInfo PriceMultiplier = new(SiteSettingKeys.PriceMultiplier, "Price multiplier",
        "Every model's list price is multiplied by this: 1 sells at list price, 1.2 adds 20%, 0.5 sells at half price.");

    public static readonly SiteSettingInfo SignupCredit = new(SiteSettingKeys.SignupCreditUsd, "Sign-up credit (USD)",
        "Given once to every new account so people can try the API before paying; 0 gives nothing.");

    public static readonly SiteSettingInfo UserConcurrency = new(SiteSettingKeys.UserMaxConcurrent, "Requests in flight per user",
        "How many requests one account may have running at once, over all its keys; more get 429.");

    public static readonly SiteSettingInfo KeyRpm = new(SiteSettingKeys.KeyRpm, "Requests per minute per key",
        "For keys that set no limit of their own. Empty: no limit.");

    public static readonly SiteSettingInfo KeyTpm = new(SiteSettingKeys.KeyTpm, "Tokens per minute per key",
        "For keys that set no limit of their own. Empty: no limit.");

    public static readonly SiteSettingInfo GlobalUpstreamRpm = new(SiteSettingKeys.GlobalUpstreamRpm, "Upstream requests per minute, all providers",
        "A ceiling on what the whole site sends upstream, to stay inside the providers' account limits; each provider may set its own too. Empty: no limit.");

    public static readonly IReadOnlyList<SiteSettingInfo> All = [PriceMultiplier, SignupCredit, UserConcurrency, KeyRpm, KeyTpm, GlobalUpstreamRpm];

    /// <summary>The label of a stored key; the key itself for one this version does not know (a newer server wrote it).</summary>
    public static string LabelOf(string key) => All.FirstOrDefault(s => s.Key == key)?.Label ?? key;
}
