using TokenPortal.Core.Billing.Stripe;

namespace TokenPortal.Tests.Components.Billing;

/// <summary>An <see cref="IStripeBilling"/> that records what the Billing components ask of it.</summary>
internal sealed class RecordingStripeBilling : IStripeBilling
{
    public bool IsEnabled { get; set; } = true;

    public TopUpOffer Offer { get; set; } = new([5_000_000, 10_000_000], 5_000_000, 1_000_000_000, [new TokenPack("$10 pack", 10_000_000, 10_000_000)]);

    public AutoReloadSettings Settings { get; set; } = new(null, null, false, 0, 0, false, null);

    public List<(string UserId, long Micros)> TopUps { get; } = [];

    public List<Uri> ReturnUrls { get; } = [];

    public List<(bool Enabled, long Threshold, long Amount)> Saves { get; } = [];

    public string? SaveRefusal { get; set; }

    /// <summary>What starting a top-up answers instead of a Checkout page (Stripe unreachable), while set.</summary>
    public string? TopUpRefusal { get; set; }

    public Task<CheckoutStart> StartTopUpAsync(string userId, long amountMicros, Uri returnUrl, CancellationToken cancellationToken)
    {
        TopUps.Add((userId, amountMicros));
        ReturnUrls.Add(returnUrl);
        return Task.FromResult(TopUpRefusal is { } refusal ? CheckoutStart.Refused(refusal) : new CheckoutStart($"https://checkout.example.test/cs_{amountMicros}", null));
    }

    public Task<CheckoutStart> StartPackAsync(string userId, string packName, Uri returnUrl, CancellationToken cancellationToken) =>
        Task.FromResult(new CheckoutStart("https://checkout.example.test/pack", null));

    public Task<CheckoutStart> StartCardSetupAsync(string userId, Uri returnUrl, CancellationToken cancellationToken) =>
        Task.FromResult(CheckoutStart.Refused("Stripe could not be reached just now; nothing was charged. Please try again."));

    /// <summary>How often the settings were read (the page's watch for a saved card reads them each second).</summary>
    public int AutoReloadReads => _autoReloadReads;

    private int _autoReloadReads;

    public Task<AutoReloadSettings> GetAutoReloadAsync(string userId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _autoReloadReads);
        return Task.FromResult(Settings);
    }

    public Task<string?> SaveAutoReloadAsync(string userId, bool enabled, long thresholdMicros, long amountMicros, CancellationToken cancellationToken)
    {
        Saves.Add((enabled, thresholdMicros, amountMicros));
        return Task.FromResult(SaveRefusal);
    }
}
