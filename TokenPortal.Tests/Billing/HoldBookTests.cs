using TokenPortal.Core.Billing;

namespace TokenPortal.Tests.Billing;

/// <summary>The in-memory side of reserving: what is granted without waiting, and what must wait for a fresh read.</summary>
public sealed class HoldBookTests
{
    private readonly HoldBook _book = new();

    private static ReserveRequest Request(long worst, long floor, long keyId = 0, string user = "u1") => new(user, Guid.NewGuid().ToString(), keyId, worst, floor);

    [Fact]
    public void TryGrant_UserNeverRead_CannotDecide()
    {
        Assert.Null(_book.TryGrant(Request(100, 10), exact: false));
        Assert.Null(_book.TryGrant(Request(100, 10), exact: true));
    }

    [Fact]
    public void TryGrant_WholeWorstCaseFits_IsGrantedAndCountsAgainstTheNext()
    {
        _book.Refreshed("u1", 1_000, 0, null, 0);

        Assert.Equal(600, _book.TryGrant(Request(600, 10), exact: false)!.Reservation!.AmountMicros);
        // 400 left: a 600 worst case no longer fits whole, so the book asks for a fresh read instead of lowering it.
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
        _book.Refreshed("u1", 99, 0, null, 0);

        var outcome = _book.TryGrant(Request(600, 100), exact: true)!;

        Assert.Null(outcome.Reservation);
        Assert.Equal(ReserveRefusal.Balance, outcome.Refusal);
        Assert.Equal(99, outcome.AvailableMicros);
    }

    [Fact]
    public void TryGrant_KeyBudget_LimitsTheHoldAndRefusesBelowItsFloor()
    {
        _book.Refreshed("u1", 1_000_000, 7, budget: 500, keyUsed: 100);

        Assert.Equal(300, _book.TryGrant(Request(300, 10, keyId: 7), exact: false)!.Reservation!.AmountMicros);
        Assert.Equal(100, _book.TryGrant(Request(300, 10, keyId: 7), exact: true)!.Reservation!.AmountMicros);
        var refused = _book.TryGrant(Request(300, 10, keyId: 7), exact: true)!;
        Assert.Equal(ReserveRefusal.KeyBudget, refused.Refusal);
        Assert.Equal(0, refused.AvailableMicros);
    }

    [Fact]
    public void HoldWritten_MovesTheHoldFromPendingToCommitted_WithoutCountingItTwice()
    {
        _book.Refreshed("u1", 1_000, 0, null, 0);
        var hold = _book.TryGrant(Request(300, 10), exact: false)!.Reservation!;

        _book.HoldWritten(hold, balance: 700, budget: null, keyUsed: 0);

        Assert.Equal(700, _book.TryGrant(Request(700, 10), exact: false)!.Reservation!.AmountMicros);
    }

    [Fact]
    public void Settled_GivesBackWhatTheWriterReports()
    {
        _book.Refreshed("u1", 1_000, 0, null, 0);
        var hold = _book.TryGrant(Request(1_000, 10), exact: false)!.Reservation!;
        _book.HoldWritten(hold, balance: 0, budget: null, keyUsed: 0);
        Assert.Null(_book.TryGrant(Request(10, 10), exact: false));

        _book.Settled(hold, balance: 750, budget: null, keyUsed: 0);

        Assert.Equal(750, _book.TryGrant(Request(750, 10), exact: false)!.Reservation!.AmountMicros);
    }

    [Fact]
    public void HoldLost_FreesItsMoney_AndTheNextReserveReadsAfresh()
    {
        _book.Refreshed("u1", 1_000, 0, null, 0);
        var hold = _book.TryGrant(Request(400, 10), exact: false)!.Reservation!;
        Assert.NotNull(_book.TryGrant(Request(100, 10), exact: false)?.Reservation);

        _book.HoldLost(hold);

        Assert.Null(_book.TryGrant(Request(10, 10), exact: false));
        _book.Refreshed("u1", 1_000, 0, null, 0);
        // The other grant is still pending (not yet written), so 900 is what is free.
        Assert.Equal(900, _book.TryGrant(Request(2_000, 10), exact: true)!.Reservation!.AmountMicros);
    }

    [Fact]
    public void Forget_ACreditOrDebitElsewhere_MakesTheNextReserveReadAfresh()
    {
        _book.Refreshed("u1", 1_000, 0, null, 0);

        _book.Forget("u1");

        Assert.Null(_book.TryGrant(Request(10, 10), exact: false));
    }

    [Fact]
    public async Task TryGrant_FromManyThreadsAtOnce_NeverGrantsMoreThanTheBalance()
    {
        _book.Refreshed("u1", 5_000, 3, budget: 4_000, keyUsed: 0);
        var granted = 0L;
        using var start = new ManualResetEventSlim();

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < 200; i++)
            {
                if (_book.TryGrant(Request(10, 10, keyId: 3), exact: true)?.Reservation is { } hold)
                    Interlocked.Add(ref granted, hold.AmountMicros);
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(workers);

        Assert.Equal(4_000, granted);
    }
}
