using TokenPortal.Core.Billing;

namespace TokenPortal.Core.Gateway;

/// <summary>Either a hold and the output bound it covers per choice, or the reason there is none.</summary>
public sealed record ReservationPlan(Reservation? Reservation, int OutputTokensPerChoice, GatewayError? Error)
{
    public static ReservationPlan Reserved(Reservation reservation, int outputTokensPerChoice) => new(reservation, outputTokensPerChoice, null);

    public static ReservationPlan Refused(GatewayError error) => new(null, 0, error);
}
