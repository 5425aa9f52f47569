using System.Globalization;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>
/// A Stripe request body: form fields, nested objects as <c>a[b][c]</c> keys, as Stripe's API takes them.
/// </summary>
public sealed class StripeForm
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    public StripeForm Add(string key, string? value)
    {
        if (value is not null)
            _fields.Add(new(key, value));
        return this;
    }

    public StripeForm Add(string key, long value) => Add(key, value.ToString(CultureInfo.InvariantCulture));

    public StripeForm Add(string key, bool value) => Add(key, value ? "true" : "false");

    /// <summary>Each entry as <c>{prefix}[key]</c>, e.g. <c>metadata[user_id]</c>.</summary>
    public StripeForm AddMap(string prefix, IReadOnlyDictionary<string, string> entries)
    {
        foreach (var (key, value) in entries)
            Add($"{prefix}[{key}]", value);
        return this;
    }

    public FormUrlEncodedContent ToContent() => new(_fields);
}
