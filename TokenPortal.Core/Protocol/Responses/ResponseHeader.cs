namespace TokenPortal.Core.Protocol.Responses;

/// <summary>What names a Response: its id (<c>resp_...</c>), when it was made, and the model's public id.</summary>
internal sealed record ResponseHeader(string Id, long CreatedAt, string Model)
{
    /// <summary>The part of <see cref="Id"/> after <c>resp_</c>, reused in the ids of the response's items.</summary>
    public string Token => Id["resp_".Length..];

    public string ItemId(string prefix, int outputIndex) => $"{prefix}_{Token}_{outputIndex}";
}
