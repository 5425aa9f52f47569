using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Metering;
using TokenPortal.Core.Usage;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Metering;

/// <summary>Charges whose log rows a stopped server never wrote get rows rebuilt from the ledger at the next start.</summary>
public sealed class LostLogRowsTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task AChargeWithoutALogRow_GetsOneWithItsExactCost_InTheLogTheDashboardAndTheAudit()
    {
        var account = await gateway.CreateAccountAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        // What a server killed between its ledger batch and its log batch leaves: a request reserved, released and settled
        // (1.234567 USD, 0.000100 of it written off), and no log row.
        await using (var db = await gateway.DbAsync())
        {
            db.Ledger.AddRange(
                new LedgerEntry { UserId = account.UserId, Kind = LedgerEntryKind.Reserve, AmountMicros = -2_000_000, RequestId = "req_lost", CreatedAt = at },
                new LedgerEntry { UserId = account.UserId, Kind = LedgerEntryKind.Release, AmountMicros = 2_000_000, RequestId = "req_lost", CreatedAt = at },
                new LedgerEntry { UserId = account.UserId, Kind = LedgerEntryKind.Settle, AmountMicros = -1_234_567, RequestId = "req_lost", CreatedAt = at },
                new LedgerEntry { UserId = account.UserId, Kind = LedgerEntryKind.WriteOff, AmountMicros = 100, RequestId = "req_lost", CreatedAt = at });
            await db.Database.ExecuteSqlRawAsync("""UPDATE "Balances" SET "BalanceMicros" = "BalanceMicros" - 1234467 WHERE "UserId" = {0}""", account.UserId);
            await db.SaveChangesAsync();
        }

        var rebuilt = await gateway.Factory.Services.GetRequiredService<LostLogRows>().RebuildAsync(CancellationToken.None);

        Assert.Equal(1, rebuilt);
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal(("req_lost", LostLogRows.Unknown, LostLogRows.ErrorCode, 1_234_467L, 100L), (row.RequestId, row.Model, row.ErrorCode, row.CostMicros, row.WrittenOffMicros));
        Assert.Equal(at.ToUnixTimeMilliseconds(), row.CreatedAt.ToUnixTimeMilliseconds());
        var report = await gateway.Factory.Services.GetRequiredService<IUsageReports>().GetAsync(account.UserId, at.AddHours(-1), at.AddHours(1), CancellationToken.None);
        Assert.Equal(1_234_467L, report.Totals.CostMicros);
        await gateway.AssertAuditCleanAsync();
        // Once written, it is not lost any more.
        Assert.Equal(0, await gateway.Factory.Services.GetRequiredService<LostLogRows>().RebuildAsync(CancellationToken.None));
    }
}
