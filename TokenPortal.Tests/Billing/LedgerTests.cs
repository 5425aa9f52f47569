using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Billing;

/// <summary>The ledger on a real SQLite file: exactness, closing once, and parallel reservations.</summary>
public sealed class LedgerTests : IAsyncLifetime
{
    private CoreServices _core = null!;
    private ILedger Ledger => _core.Get<ILedger>();

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync();

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task ReserveThenSettle_ChargesCostAndReturnsTheRest()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 1_000, LedgerEntryKind.Credit, null, default);

        var reservation = await ReserveAsync(user, "r1", 600, 100);
        Assert.Equal(400, await Ledger.GetBalanceAsync(user, default));
        var charged = await Ledger.SettleAsync(reservation!, 250, default);

        Assert.Equal(new Settlement(250, 0), charged);
        Assert.Equal(750, await Ledger.GetBalanceAsync(user, default));
        await AssertSumMatchesBalanceAsync(user);
    }

    [Fact]
    public async Task Reserve_TakesWhatIsLeftWhenWorstCaseDoesNotFit()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 300, LedgerEntryKind.Credit, null, default);

        var reservation = await ReserveAsync(user, "r1", 600, 100);

        Assert.Equal(300, reservation!.AmountMicros);
        Assert.Equal(0, await Ledger.GetBalanceAsync(user, default));
        Assert.Null(await ReserveAsync(user, "r2", 600, 0));
    }

    [Fact]
    public async Task Reserve_BelowFloorIsRefusedAndWritesNothing()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 99, LedgerEntryKind.Credit, null, default);

        Assert.Null(await ReserveAsync(user, "r1", 600, 100));
        Assert.Equal(99, await Ledger.GetBalanceAsync(user, default));
        await using var db = await DbAsync();
        Assert.Equal(1, await db.Ledger.CountAsync(e => e.UserId == user));
    }

    [Fact]
    public async Task Settle_CostAboveTheReservation_TakesTheRestOfTheBalanceAndWritesOffOnlyWhatItCannotCover()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 1_000, LedgerEntryKind.Credit, null, default);
        var reservation = await ReserveAsync(user, "r1", 200, 10);

        Assert.Equal(new Settlement(1_000, 4_000), await Ledger.SettleAsync(reservation!, 5_000, default));
        Assert.Equal(0, await Ledger.GetBalanceAsync(user, default));
        await using var db = await DbAsync();
        var rows = await db.Ledger.Where(e => e.UserId == user && e.RequestId == "r1").ToListAsync();
        Assert.Equal(-5_000, rows.Single(e => e.Kind == LedgerEntryKind.Settle).AmountMicros);
        Assert.Equal(4_000, rows.Single(e => e.Kind == LedgerEntryKind.WriteOff).AmountMicros);
        await AssertSumMatchesBalanceAsync(user);
    }

    [Fact]
    public async Task Settle_CostAboveTheReservation_StaysWithinTheCapOfTheReservation()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 10_000, LedgerEntryKind.Credit, null, default);
        var reservation = (await Ledger.TryReserveAsync(new ReserveRequest(user, "capped", 0, 200, 10, CapMicros: 300), default)).Reservation;

        Assert.Equal(new Settlement(300, 4_700), await Ledger.SettleAsync(reservation!, 5_000, default));
        Assert.Equal(9_700, await Ledger.GetBalanceAsync(user, default));
        await AssertSumMatchesBalanceAsync(user);
    }

    [Fact]
    public async Task Settle_ClosesAReservationExactlyOnceEvenWhenRacing()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 1_000, LedgerEntryKind.Credit, null, default);
        var reservation = await ReserveAsync(user, "r1", 500, 10);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Ledger.SettleAsync(reservation!, 100, default))));

        Assert.Equal(100, results.Sum(r => r.ChargedMicros));
        Assert.Equal(900, await Ledger.GetBalanceAsync(user, default));
        await AssertSumMatchesBalanceAsync(user);
    }

    [Fact]
    public async Task ParallelReserves_NeverReserveMoreThanTheBalance()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 1_000, LedgerEntryKind.Credit, null, default);

        var reservations = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => ReserveAsync(user, $"p{i}", 90, 90))));

        Assert.Equal(11, reservations.Count(r => r is not null));
        Assert.Equal(10, await Ledger.GetBalanceAsync(user, default));
        await AssertSumMatchesBalanceAsync(user);
    }

    [Fact]
    public async Task AnotherProcessSpendsBetweenGrantAndWrite_TheReservationTakesOnlyWhatIsLeft_AndTheChargeNoMore()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 1_000, LedgerEntryKind.Credit, null, default);
        await Ledger.SettleAsync((await ReserveAsync(user, "r0", 100, 10))!, 0, default);
        // Another process takes 800 on its own connection, cutting this server's lease; its book still believes 1,000 is there.
        await using (var db = await DbAsync())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await LedgerCredits.AddAsync(db, user, -800, LedgerEntryKind.Adjustment, null, DateTimeOffset.UtcNow, default);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }

        var reservation = await ReserveAsync(user, "r1", 600, 10);
        var charged = await Ledger.SettleAsync(reservation!, 500, default);

        Assert.Equal(600, reservation!.AmountMicros);
        Assert.Equal(new Settlement(200, 300), charged);
        Assert.Equal(0, await Ledger.GetBalanceAsync(user, default));
        await AssertSumMatchesBalanceAsync(user);
    }

    [Fact]
    public async Task ReservationsAndSettlesWrittenInOneCommit_LeaveTheBookAgreeingWithTheDatabase()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 1_000, LedgerEntryKind.Credit, null, default);
        var first = await ReserveAsync(user, "a", 300, 300);
        var second = await ReserveAsync(user, "b", 300, 300);
        // Not awaited: the two reservations and this settle go to the writer together and are committed as one batch.
        var settled = Ledger.SettleBehindAsync(first!, 100);
        await _core.Get<LedgerWriter>().FlushAsync();

        // 1,000 - 100 charged - 300 still reserved by the second request: 600 is free, not a cent more.
        Assert.Null(await ReserveAsync(user, "c", 700, 700));
        Assert.Equal(600, (await ReserveAsync(user, "d", 600, 600))!.AmountMicros);
        Assert.Equal(100, (await settled).ChargedMicros);
        Assert.Equal(0, await Ledger.GetBalanceAsync(user, default));
        Assert.NotNull(second);
        await AssertSumMatchesBalanceAsync(user);
    }

    [Fact]
    public async Task NegativeAdjustment_RecordsTheWholeDebitAndStopsAtZero()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 500, LedgerEntryKind.Credit, null, default);

        var balance = await Ledger.CreditAsync(user, -800, LedgerEntryKind.Adjustment, "refund", default);

        Assert.Equal(0, balance);
        await using var db = await _core.Get<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync();
        var rows = await db.Ledger.Where(e => e.UserId == user).OrderBy(e => e.Id).Select(e => new { e.Kind, e.AmountMicros }).ToListAsync();
        Assert.Equal([(LedgerEntryKind.Credit, 500L), (LedgerEntryKind.Adjustment, -800L), (LedgerEntryKind.WriteOff, 300L)],
            rows.Select(r => (r.Kind, r.AmountMicros)));
        await AssertSumMatchesBalanceAsync(user);
    }

    [Fact]
    public async Task ReleaseAbandoned_GivesBackEveryReservationOfAServerThatIsGone()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 1_000, LedgerEntryKind.Credit, null, default);
        await ReserveAsync(user, "a", 300, 10);
        await ReserveAsync(user, "b", 200, 10);
        // The server's own reservations are its to settle.
        Assert.Equal(0, await Ledger.ReleaseAbandonedAsync(default));

        // Restarted (on SQLite, one server per file: whoever held the file before is gone).
        _core.Get<ServerInstance>().Rename();
        await _core.Get<ServerRegistry>().RegisterAsync(default);
        Assert.Equal(2, await Ledger.ReleaseAbandonedAsync(default));

        Assert.Equal(1_000, await Ledger.GetBalanceAsync(user, default));
        Assert.Equal(0, await Ledger.ReleaseAbandonedAsync(default));
        await AssertSumMatchesBalanceAsync(user);
    }

    [Fact]
    public async Task KeyBudget_ParallelReservesNeverExceedIt()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 1_000_000, LedgerEntryKind.Credit, null, default);
        var key = await _core.Get<IApiKeyService>().CreateAsync(user, new ApiKeySpec("budgeted", BudgetMicros: 1_000), default);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Task.Run(() => Ledger.TryReserveAsync(new ReserveRequest(user, $"k{i}", key.Record.Id, 300, 300), default))));

        Assert.Equal(3, outcomes.Count(o => o.Reservation is not null));
        Assert.All(outcomes.Where(o => o.Reservation is null), o => Assert.Equal(ReserveRefusal.KeyBudget, o.Refusal));
        foreach (var reservation in outcomes.Select(o => o.Reservation).OfType<Reservation>())
            await Ledger.SettleAsync(reservation, 250, default);

        await using var db = await DbAsync();
        var stored = await db.ApiKeys.SingleAsync(k => k.Id == key.Record.Id);
        Assert.Equal(750, stored.SpentMicros);
        Assert.Equal(0, stored.ReservedMicros);
        // 250 left of the budget: a request whose floor is 300 is refused, one within 250 fits exactly.
        Assert.Equal(ReserveRefusal.KeyBudget, (await Ledger.TryReserveAsync(new ReserveRequest(user, "after1", key.Record.Id, 300, 300), default)).Refusal);
        Assert.Equal(250, (await Ledger.TryReserveAsync(new ReserveRequest(user, "after2", key.Record.Id, 900, 100), default)).Reservation!.AmountMicros);
    }

    [Fact]
    public async Task Backpressure_WhileTheDatabaseStalls_ReservesWaitForIt_InsteadOfQueueingWritesWithoutEnd()
    {
        var user = await _core.CreateUserAsync();
        await Ledger.CreditAsync(user, 100_000_000, LedgerEntryKind.Credit, null, default);
        await Ledger.SettleAsync((await ReserveAsync(user, "warm", 10, 1))!, 1, default); // the book now knows the balance

        // Another process holds the write lock, so the ledger writer's next commit cannot happen.
        await using var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_core.DatabasePath};Pooling=False");
        await other.OpenAsync();
        await using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        // Reservations are granted in memory and queued for writing, until the queue is a few batches deep; then one waits.
        Task<Reservation?>? waiting = null;
        var granted = 0;
        while (waiting is null && granted < 10_000)
        {
            var reserve = ReserveAsync(user, $"bp{granted}", 10, 1);
            granted++;
            if (!reserve.IsCompleted)
                waiting = reserve;
            else
                Assert.NotNull(await reserve);
        }
        Assert.NotNull(waiting);
        Assert.InRange(granted, 1_000, 1_400); // four batches of 256, plus the one the writer took before it stalled
        Assert.NotSame(waiting, await Task.WhenAny(waiting, Task.Delay(500)));

        // The database comes back: the waiting reserve completes and every granted reservation is in the ledger.
        await using (var rollback = other.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }
        Assert.NotNull(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(100_000_000 - 1 - 10L * granted, await Ledger.GetBalanceAsync(user, default));
        await AssertSumMatchesBalanceAsync(user);
    }

    private async Task<Reservation?> ReserveAsync(string user, string requestId, long worst, long floor) =>
        (await Ledger.TryReserveAsync(new ReserveRequest(user, requestId, 0, worst, floor), default)).Reservation;

    private async Task AssertSumMatchesBalanceAsync(string user)
    {
        await using var db = await DbAsync();
        var sum = await db.Ledger.Where(e => e.UserId == user).SumAsync(e => e.AmountMicros);
        Assert.Equal(sum, await Ledger.GetBalanceAsync(user, default));
    }

    /// <summary>A context that sees every reservation and settle queued so far (the writer commits them behind the caller).</summary>
    private async Task<TokenPortalDbContext> DbAsync()
    {
        await _core.Get<LedgerWriter>().FlushAsync();
        return await _core.Get<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync();
    }
}
