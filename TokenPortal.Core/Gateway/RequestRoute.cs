using TokenPortal.Core.Catalog;

namespace TokenPortal.Core.Gateway;

/// <summary>Where one request's routing stands: its attempts so far, and how it ended.</summary>
internal sealed class RequestRoute
{
    public int Attempts { get; set; }

    public bool Finished { get; private set; }

    /// <summary>What the client gets once <see cref="Finished"/>: null when it was answered (or saw the failure in its stream).</summary>
    public GatewayError? Error { get; private set; }

    public UpstreamFailure? LastFailure { get; set; }

    public bool SameChannelAgain { get; set; }

    /// <summary>Channels skipped because they rest; null while none was.</summary>
    public List<(CatalogModel Model, CatalogChannel Channel, DateTimeOffset Until)>? Resting { get; set; }

    public void Finish(GatewayError? error)
    {
        Finished = true;
        Error = error;
    }
}
