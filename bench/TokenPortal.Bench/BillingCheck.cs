using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace TokenPortal.Bench;

/// <summary>After the gateway stopped: every request in the log billed exactly once, the ledger agreeing to the micro-USD.</summary>
internal static class BillingCheck
{
    public static Task<BillingResult> RunAsync(GatewayProcess gateway) => gateway.PostgresConnectionString is { } postgres
        ? RunAsync(new NpgsqlConnection(postgres))
        : RunAsync(new SqliteConnection($"Data Source={gateway.DatabasePath};Pooling=False"));

    private static async Task<BillingResult> RunAsync(DbConnection connection)
    {
        await using var _ = connection;
        await connection.OpenAsync();
        async Task<long> Scalar(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L);
        }
        return new BillingResult(
            LoggedRequests: await Scalar("""SELECT COUNT(*) FROM "RequestLogs" """),
            BilledRequests: await Scalar("""SELECT COUNT(*) FROM "RequestLogs" WHERE "CostMicros" > 0"""),
            LedgerChargedMicros: -await Scalar("""SELECT COALESCE(SUM("AmountMicros"), 0) FROM "Ledger" WHERE "Kind" = 4"""),
            LoggedCostMicros: await Scalar("""SELECT COALESCE(SUM("CostMicros"), 0) FROM "RequestLogs" """),
            OpenReservations: await Scalar("""SELECT COUNT(*) FROM "OpenReservations" """),
            BalanceMatchesLedger: await Scalar("""SELECT CASE WHEN (SELECT SUM("BalanceMicros") FROM "Balances") = (SELECT SUM("AmountMicros") FROM "Ledger") THEN 1 ELSE 0 END""") == 1);
    }
}

internal sealed record BillingResult(long LoggedRequests, long BilledRequests, long LedgerChargedMicros, long LoggedCostMicros, long OpenReservations, bool BalanceMatchesLedger)
{
    public bool Exact => LedgerChargedMicros == LoggedCostMicros && OpenReservations == 0 && BalanceMatchesLedger;
}
