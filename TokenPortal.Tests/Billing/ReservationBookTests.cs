using Microsoft.Extensions.Time.Testing;
using TokenPortal.Core.Billing;

namespace TokenPortal.Tests.Billing;

/// <summary>The in-memory side of reserving: what is granted from this server's leases without waiting, and what must wait for the database.</summary>
public sealed class ReservationBookTests
{
    private static readonly LeaseScope User = new("u1", 0);
    private readonly ReservationBook _book = new();

    private static ReserveRequest Request(long worst, long floor, long keyId = 0, string user = "u1") => new(user, Guid.NewGuid().ToString(), keyId, worst, floor);

    [Fact]
    public void TryGrant_NothingLeasedYet_CannotDecide()
    {
        Assert.Null(_book.TryGrant(Request(100, 10), exact: false));
        Assert.Null(_book.TryGrant(Request(100, 10), exact: true));
    }

    [Fact]
    public void TryGrant_WholeWorstCaseFits_IsGrantedAndCountsAgainstTheNext()
    {
        _book.Leased(User, 1_000);

        Assert.Equal(600, _book.TryGrant(Request(600, 10), exact: false)!.Reservation!.AmountMicros);
        // 400 left: a 600 worst case no longer fits whole, so the book asks for a fresh lease instead of lowering it.
        Assert.Null(_book.TryGrant(Request(600, 10), exact: false));
        var lowered = _book.TryGrant(Request(600, 10), exact: true)!;
        Assert.Equal(400, lowered.Reservation!.AmountMicros);
        var refused = _book.TryGrant(Request(600, 0), exact: true)!;
        Assert.Null(refused.Reservation);
        Assert.Equal(ReserveRefusal.Balance, refused.Refusal);
    }

    [Fact]
    public void TryGrant_BelowTheFloor_IsRefusedWithWhatIsLeft()
    {
        _book.Leased(User, 99);

        var outcome = _book.TryGrant(Request(600, 100), exact: true)!;

        Assert.Null(outcome.Reservation);
        Assert.Equal(ReserveRefusal.Balance, outcome.Refusal);
        Assert.Equal(99, outcome.AvailableMicros);
    }

    [Fact]
    public void TryGrant_KeyBudget_LimitsTheReservationAndRefusesBelowItsFloor()
    {
        _book.Leased(User, 1_000_000);
        _book.Leased(new LeaseScope("u1", 7), 400);

        var first = _book.TryGrant(Request(300, 10, keyId: 7), exact: false)!.Reservation!;
        Assert.Equal(300, first.AmountMicros);
        Assert.True(first.KeyLeased);
        Assert.Equal(100, _book.TryGrant(Request(300, 10, keyId: 7), exact: true)!.Reservation!.AmountMicros);
        var refused = _book.TryGrant(Request(300, 10, keyId: 7), exact: true)!;
        Assert.Equal(ReserveRefusal.KeyBudget, refused.Refusal);
        Assert.Equal(0, refused.AvailableMicros);
    }

    [Fact]
    public void TryGrant_KeyWithoutBudget_IsBoundOnlyByTheBalance()
    {
        _book.Leased(User, 500);
        _book.Leased(new LeaseScope("u1", 7), null);

        var reservation = _book.TryGrant(Request(500, 10, keyId: 7), exact: false)!.Reservation!;

        Assert.Equal(500, reservation.AmountMicros);
        Assert.False(reservation.KeyLeased);
    }

    [Fact]
    public void ReservationWritten_MovesTheReservationFromPendingToTheLease_WithoutCountingItTwice()
    {
        _book.Leased(User, 1_000);
        var reservation = _book.TryGrant(Request(300, 10), exact: false)!.Reservation!;

        _book.Done(User, reservation.AmountMicros, leaseAfter: 700, forget: false);

        Assert.Equal(700, _book.TryGrant(Request(700, 10), exact: false)!.Reservation!.AmountMicros);
    }

    [Fact]
    public void Claim_TakesOnlyUnpromisedMoney_AndKeepsItFromGrantsUntilDone()
    {
        _book.Leased(User, 1_000);
        Assert.NotNull(_book.TryGrant(Request(400, 10), exact: false)?.Reservation);

        // The 400 granted is promised: only 600 of the lease can go back.
        Assert.Equal(600, _book.Claim(User, long.MaxValue, leaseInDatabase: 1_000, drawnInTransaction: 0));
        Assert.Equal(ReserveRefusal.Balance, _book.TryGrant(Request(10, 10), exact: true)!.Refusal);

        _book.Done(User, 600, leaseAfter: 400, forget: false);
        Assert.Equal(ReserveRefusal.Balance, _book.TryGrant(Request(10, 10), exact: true)!.Refusal);
    }

    [Fact]
    public void Claim_CountsWhatTheTransactionAlreadyDrewForPendingGrants()
    {
        _book.Leased(User, 1_000);
        Assert.NotNull(_book.TryGrant(Request(300, 10), exact: false)?.Reservation);

        // The grant's reservation was drawn earlier in this transaction: the database shows 700, and all 700 is unpromised.
        Assert.Equal(700, _book.Claim(User, long.MaxValue, leaseInDatabase: 700, drawnInTransaction: 300));
    }

    [Fact]
    public void ReservationLost_FreesItsMoney_AndTheNextReserveLeasesAfresh()
    {
        _book.Leased(User, 1_000);
        var reservation = _book.TryGrant(Request(400, 10), exact: false)!.Reservation!;
        Assert.NotNull(_book.TryGrant(Request(100, 10), exact: false)?.Reservation);

        _book.Done(User, reservation.AmountMicros, leaseAfter: null, forget: true);

        Assert.Null(_book.TryGrant(Request(10, 10), exact: false));
        _book.Leased(User, 1_000);
        // The other grant is still pending (not yet written), so 900 is what is free.
        Assert.Equal(900, _book.TryGrant(Request(2_000, 10), exact: true)!.Reservation!.AmountMicros);
    }

    [Fact]
    public void Forget_ACreditOrDebitElsewhere_MakesTheNextReserveLeaseAfresh()
    {
        _book.Leased(User, 1_000);

        _book.Forget("u1");

        Assert.Null(_book.TryGrant(Request(10, 10), exact: false));
    }

    [Fact]
    public void StaleHeartbeat_StopsGrantsFromLeases_UntilRenewed()
    {
        var clock = new FakeTimeProvider();
        var book = new ReservationBook(clock);
        book.Leased(User, 1_000);
        Assert.Null(book.TryGrant(Request(10, 10), exact: false));

        book.Renewed(clock.GetTimestamp(), TimeSpan.FromSeconds(10));
        Assert.NotNull(book.TryGrant(Request(10, 10), exact: false)?.Reservation);
        clock.Advance(TimeSpan.FromSeconds(11));

        Assert.Null(book.TryGrant(Request(10, 10), exact: true));
    }

    [Fact]
    public void Sweep_ReturnsIdleLeases_AndActiveOnesOnlyWhenOtherServersShare()
    {
        var busy = new LeaseScope("busy", 0);
        var idle = new LeaseScope("idle", 0);
        _book.Leased(busy, 1_000);
        _book.Leased(idle, 1_000);
        Assert.NotNull(_book.TryGrant(Request(10, 10, user: "busy"), exact: false)?.Reservation);

        Assert.Equal([idle], _book.Sweep(returnActive: false));
        Assert.Equal([busy, idle], _book.Sweep(returnActive: true).OrderBy(s => s.UserId));
    }

    [Fact]
    public async Task TryGrant_FromManyThreadsAtOnce_NeverGrantsMoreThanTheLease()
    {
        _book.Leased(User, 5_000);
        _book.Leased(new LeaseScope("u1", 3), 4_000);
        var granted = 0L;
        using var start = new ManualResetEventSlim();

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < 200; i++)
            {
                if (_book.TryGrant(Request(10, 10, keyId: 3), exact: true)?.Reservation is { } reservation)
                    Interlocked.Add(ref granted, reservation.AmountMicros);
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(workers);

        Assert.Equal(4_000, granted);
    }
}
