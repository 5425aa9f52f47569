using TokenPortal.Core.Billing;

namespace TokenPortal.Core.Gateway;

/// <summary>Either a request's reservation, or the reason there is none.</summary>
public sealed record ReservationPlan(Reservation? Reservation, GatewayError? Error)
{
    public static ReservationPlan Reserved(Reservation reservation) => new(reservation, null);

    public static ReservationPlan Refused(GatewayError error) => new(null, error);
}
