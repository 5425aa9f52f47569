namespace TokenPortal.Core.Admin;

/// <summary>One channel of a model as an admin sets it; <see cref="Id"/> is null for a channel being added.</summary>
public sealed record ChannelEdit(long? Id, long ProviderId, string UpstreamModel, int Weight, int Priority, bool Enabled);
