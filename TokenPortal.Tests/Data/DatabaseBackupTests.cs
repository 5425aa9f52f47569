using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Data.Sqlite;

namespace TokenPortal.Tests.Data;

/// <summary><c>admin backup</c>: a copy taken while the server charges requests, which restores to books that agree.</summary>
public sealed class DatabaseBackupTests : ProcessTest
{
    private string DatabasePath => Path.Combine(WorkDirectory, "live.db");

    private string BackupPath => Path.Combine(WorkDirectory, "backup.db");

    [Fact]
    public async Task BackupWhileServing_RestoresToBooksThatAgree_AndNeverOverwritesAFile()
    {
        var environment = ProcessEnvironment.For(DatabasePath, Upstream.BaseUrl);
        Assert.Equal(0, (await AppProcess.RunCliAsync(environment, "user", "create", "--email", "backup@example.test")).ExitCode);
        Assert.Equal(0, (await AppProcess.RunCliAsync(environment, "credit", "--email", "backup@example.test", "--usd", "5")).ExitCode);
        var key = (await AppProcess.RunCliAsync(environment, "key", "create", "--email", "backup@example.test", "--name", "k")).StandardOutput.Trim();

        CliResult backup;
        long charged;
        await using (var server = await AppProcess.StartServerAsync(environment))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var stop = new CancellationTokenSource();
            var answered = 0;
            async Task TrafficAsync()
            {
                while (!stop.IsCancellationRequested)
                {
                    using var response = await client.PostAsync("v1/chat/completions",
                        new StringContent("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Interlocked.Increment(ref answered);
                }
            }
            var traffic = Enumerable.Range(0, 4).Select(_ => Task.Run(TrafficAsync)).ToList();
            while (Volatile.Read(ref answered) < 20)
                await Task.Delay(20);

            backup = await AppProcess.RunCliAsync(environment, "backup", "--to", BackupPath);

            var answeredDuringBackup = Volatile.Read(ref answered);
            while (Volatile.Read(ref answered) < answeredDuringBackup + 20)
                await Task.Delay(20); // the server kept charging after the copy
            await stop.CancelAsync();
            await Task.WhenAll(traffic);
            charged = await ScalarAsync(DatabasePath, "SELECT COUNT(*) FROM Ledger WHERE Kind = 4");
        }

        Assert.Equal(0, backup.ExitCode);
        Assert.Contains("integrity checked", backup.StandardOutput);
        var copied = await ScalarAsync(BackupPath, "SELECT COUNT(*) FROM Ledger WHERE Kind = 4");
        Assert.InRange(copied, 20, charged - 1); // a moment in the middle of the traffic, not the end

        // Restored: a server started on the copy gives back what requests in flight at that moment held, and the books agree.
        var restored = ProcessEnvironment.For(BackupPath, Upstream.BaseUrl);
        await using (await AppProcess.StartServerAsync(restored))
        {
        }
        var audit = await AppProcess.RunCliAsync(restored, "audit");
        Assert.True(audit.ExitCode == 0, audit.StandardOutput + audit.StandardError);
        Assert.Equal(await ScalarAsync(BackupPath, "SELECT SUM(AmountMicros) FROM Ledger"), await ScalarAsync(BackupPath, "SELECT BalanceMicros FROM Balances"));

        var again = await AppProcess.RunCliAsync(environment, "backup", "--to", BackupPath);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists already", again.StandardError);
        Assert.Equal(copied, await ScalarAsync(BackupPath, "SELECT COUNT(*) FROM Ledger WHERE Kind = 4"));
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
