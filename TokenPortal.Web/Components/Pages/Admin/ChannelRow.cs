using TokenPortal.Core.Admin;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Web.Components.Pages.Admin;

/// <summary>One channel as the admin edits it in a dialog; <see cref="Id"/> is null until it is saved.</summary>
public sealed class ChannelRow
{
    public long? Id { get; init; }

    public long ProviderId { get; set; }

    public string? UpstreamModel { get; set; }

    public int Weight { get; set; } = 1;

    public int Priority { get; set; }

    public bool Enabled { get; set; } = true;

    public static ChannelRow Of(ModelChannel channel) => new()
    {
        Id = channel.Id, ProviderId = channel.ProviderId, UpstreamModel = channel.UpstreamModel,
        Weight = channel.Weight, Priority = channel.Priority, Enabled = channel.Enabled,
    };

    /// <param name="defaultUpstreamModel">What an empty upstream model means: the model's public id.</param>
    public ChannelEdit ToEdit(string defaultUpstreamModel) =>
        new(Id, ProviderId, string.IsNullOrWhiteSpace(UpstreamModel) ? defaultUpstreamModel : UpstreamModel, Weight, Priority, Enabled);
}
