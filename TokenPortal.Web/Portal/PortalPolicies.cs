namespace TokenPortal.Web.Portal;

public static class PortalPolicies
{
    /// <summary>Only users with <see cref="Core.Data.Entities.PortalUser.IsAdmin"/>.</summary>
    public const string Admin = "admin";
}
