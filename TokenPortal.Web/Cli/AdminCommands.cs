using System.CommandLine;
using System.Globalization;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;

namespace TokenPortal.Web.Cli;

/// <summary>The <c>admin</c> command tree of DESIGN.md.</summary>
internal static class AdminCommands
{
    public static Command Create()
    {
        var admin = new Command("admin", "Manage users, credit and API keys.");
        admin.Add(UserCommands());
        admin.Add(CreditCommand());
        admin.Add(KeyCommands());
        admin.Add(ModelCommands());
        admin.Add(CatalogCommands.Create());
        admin.Add(BalanceCommand());
        admin.Add(AuditCommand());
        admin.Add(DatabaseCommands());
        admin.Add(BackupCommand());
        return admin;
    }

    private static Command DatabaseCommands()
    {
        var to = new Option<string>("--to") { Description = "Connection string of an empty PostgreSQL database.", Required = true };
        var copy = new Command("copy", "Copy this database (users, passkeys, keys, ledger, log, settings) into an empty PostgreSQL database, " +
            "then audit both. Stop the server first.") { to };
        copy.SetAction((parse, cancellationToken) => RunAsync(async (services, ct) =>
        {
            var report = await services.GetRequiredService<DatabaseCopier>().CopyToPostgresAsync(parse.GetRequiredValue(to), ct);
            foreach (var (table, rows) in report.Tables)
                Console.WriteLine($"{table,-28} {rows,12:N0} rows");
            foreach (var (side, audit) in new[] { ("Here", report.Source), ("There", report.Target) })
            {
                foreach (var difference in audit.Differences)
                    Console.WriteLine($"{side}: {difference}");
                Console.WriteLine($"{side}: {audit.Users} balances, {audit.LedgerRows} ledger rows: " +
                    (audit.Clean ? "the books agree." : $"{audit.Differences.Count} differences."));
            }
            return report.Clean && report.Source.LedgerRows == report.Target.LedgerRows ? AdminCli.Success : AdminCli.Failure;
        }, cancellationToken));
        return new Command("db", "Move the database.") { copy };
    }

    private static Command BackupCommand()
    {
        var file = new Option<string>("--to") { Description = "The new file to write the copy to.", Required = true };
        var backup = new Command("backup", "Copy the SQLite database to a new file while the server serves (consistent, checked).") { file };
        backup.SetAction((parse, cancellationToken) => RunAsync(async (services, ct) =>
        {
            var bytes = await services.GetRequiredService<DatabaseBackup>().BackUpAsync(parse.GetRequiredValue(file), ct);
            return Done($"Backed up to {Path.GetFullPath(parse.GetRequiredValue(file))} ({bytes / 1024.0 / 1024.0:0.0} MB, integrity checked).");
        }, cancellationToken));
        return backup;
    }

    private static Command AuditCommand()
    {
        var audit = new Command("audit", "Reconcile the books: balances with the ledger, reservations with requests in flight, the log's charges with the ledger's. Exit 1 on any difference.");
        audit.SetAction((parse, cancellationToken) => RunAsync(async (services, ct) =>
        {
            var report = await services.GetRequiredService<LedgerAudit>().RunAsync(ct);
            foreach (var difference in report.Differences)
                Console.WriteLine(difference);
            Console.WriteLine($"Checked {report.Users} balances, {report.LedgerRows} ledger rows and {report.OpenReservations} open reservations: " +
                (report.Clean ? "the books agree." : $"{report.Differences.Count} differences."));
            return report.Clean ? AdminCli.Success : AdminCli.Failure;
        }, cancellationToken));
        return audit;
    }

    private static Command UserCommands()
    {
        var email = EmailOption();
        var password = new Option<string?>("--password") { Description = "Password for email sign-in; omit for passwordless accounts." };
        var isAdmin = new Option<bool>("--admin") { Description = "Give the user the admin role." };
        var create = new Command("create", "Create a user (with the signup credit).") { email, password, isAdmin };
        create.SetAction((parse, cancellationToken) => RunAsync(async (services, ct) =>
        {
            var accounts = services.GetRequiredService<IAccountService>();
            var user = await accounts.CreateAsync(parse.GetRequiredValue(email), parse.GetValue(password), parse.GetValue(isAdmin), ct);
            Console.WriteLine($"Created user {user.Email} ({user.Id}).");
            return AdminCli.Success;
        }, cancellationToken));

        return new Command("user", "Manage users.") { create, SetDisabledCommand("disable", true), SetDisabledCommand("enable", false) };
    }

    /// <summary><c>user disable</c> and <c>user enable</c>: a disabled user cannot sign in and their keys stop on the server's next request.</summary>
    private static Command SetDisabledCommand(string name, bool disabled)
    {
        var email = EmailOption();
        var command = new Command(name, disabled ? "Disable a user: no sign-in, every key refused." : "Enable a disabled user again.") { email };
        command.SetAction((parse, cancellationToken) => RunAsync(async (services, ct) =>
        {
            var user = await FindUserAsync(services, parse.GetRequiredValue(email), ct);
            if (user is null)
                return Refuse($"No user has the email '{parse.GetRequiredValue(email)}'.");
            await services.GetRequiredService<IUserAdministration>().SetDisabledAsync([user.Id], disabled, IAuditLog.Cli, ct);
            return Done($"{(disabled ? "Disabled" : "Enabled")} {user.Email}.");
        }, cancellationToken));
        return command;
    }

    private static Command ModelCommands()
    {
        var id = new Option<string>("--id") { Description = "The model's public id.", Required = true };
        var input = new Option<decimal?>("--input-usd") { Description = "List price per million input tokens, in USD." };
        var cached = new Option<decimal?>("--cached-input-usd") { Description = "List price per million cached input tokens, in USD." };
        var output = new Option<decimal?>("--output-usd") { Description = "List price per million output tokens, in USD." };
        var price = new Command("price", "Change a model's list prices (before the site multiplier); omitted prices stay.") { id, input, cached, output };
        price.SetAction((parse, cancellationToken) => RunAsync(async (services, ct) =>
        {
            var catalog = services.GetRequiredService<ICatalogAdministration>();
            var target = parse.GetRequiredValue(id);
            var model = (await catalog.ModelsAsync(ct)).FirstOrDefault(m => m.PublicId == target);
            if (model is null)
                return Refuse($"No model has the id '{target}'.");
            if (new[] { parse.GetValue(input), parse.GetValue(cached), parse.GetValue(output) }.Any(p => p is { } usd && (usd < 0 || !MicroUsd.TryFromUsd(usd, out _))))
                return Refuse("Prices must be zero or positive, with at most 6 decimals.");
            await catalog.SaveModelAsync(new ModelEdit(model.Id,
                parse.GetValue(input) ?? MicroUsd.ToUsd(model.InputMicrosPerMillion),
                parse.GetValue(cached) ?? MicroUsd.ToUsd(model.CachedInputMicrosPerMillion),
                parse.GetValue(output) ?? MicroUsd.ToUsd(model.OutputMicrosPerMillion),
                model.MaxOutputTokens, model.Enabled), IAuditLog.Cli, ct);
            return Done($"Repriced {model.PublicId}.");
        }, cancellationToken));
        return new Command("model", "Manage the model catalog.") { price };
    }

    private static Command CreditCommand()
    {
        var email = EmailOption();
        var usd = new Option<decimal>("--usd") { Description = "Amount in USD, e.g. 10 or 2.5.", Required = true };
        var note = new Option<string?>("--note") { Description = "Why, for the ledger." };
        var credit = new Command("credit", "Add credit to a user's balance.") { email, usd, note };
        credit.SetAction((parse, cancellationToken) => RunAsync(async (services, ct) =>
        {
            var amount = parse.GetValue(usd);
            if (!IsPositiveMicroAmount(amount))
                return Refuse("--usd must be a positive amount with at most 6 decimals.");
            var user = await FindUserAsync(services, parse.GetRequiredValue(email), ct);
            if (user is null)
                return Refuse($"No user has the email '{parse.GetRequiredValue(email)}'.");
            var balance = await services.GetRequiredService<IUserAdministration>().GrantAsync(
                user.Id, MicroUsd.FromUsd(amount), parse.GetValue(note) ?? "Admin credit", IAuditLog.Cli, ct);
            Console.WriteLine($"Credited {amount.ToString(CultureInfo.InvariantCulture)} USD to {user.Email}; balance {MicroUsd.Format(balance)} USD.");
            return AdminCli.Success;
        }, cancellationToken));
        return credit;
    }

    private static Command KeyCommands()
    {
        var email = EmailOption();
        var name = new Option<string>("--name") { Description = "A name to recognise the key by.", Required = true };
        var models = new Option<string?>("--models") { Description = "Comma-separated model ids the key may call (default: all)." };
        var rpm = new Option<int?>("--rpm") { Description = "Requests per minute." };
        var tpm = new Option<int?>("--tpm") { Description = "Tokens per minute." };
        var maxUsd = new Option<decimal?>("--max-usd-per-request") { Description = "Most one request may cost, in USD." };
        var expires = new Option<string?>("--expires") { Description = "Expiry date or time in UTC, e.g. 2027-01-01." };
        var budget = new Option<decimal?>("--budget-usd") { Description = "Most the key may ever spend, in USD." };
        var create = new Command("create", "Mint a key; prints the key alone on stdout, once.") { email, name, models, rpm, tpm, maxUsd, expires, budget };
        create.SetAction((parse, cancellationToken) => RunAsync(async (services, ct) =>
        {
            var cap = parse.GetValue(maxUsd);
            if (cap is { } value && !IsPositiveMicroAmount(value))
                return Refuse("--max-usd-per-request must be a positive amount with at most 6 decimals.");
            var total = parse.GetValue(budget);
            if (total is { } limit && !IsPositiveMicroAmount(limit))
                return Refuse("--budget-usd must be a positive amount with at most 6 decimals.");
            DateTimeOffset? expiresAt = null;
            if (parse.GetValue(expires) is { } expiresText)
            {
                if (!DateTimeOffset.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                    return Refuse($"--expires '{expiresText}' is not a date; use e.g. 2027-01-01 or 2027-01-01T12:00:00Z.");
                expiresAt = parsed;
            }
            var user = await FindUserAsync(services, parse.GetRequiredValue(email), ct);
            if (user is null)
                return Refuse($"No user has the email '{parse.GetRequiredValue(email)}'.");
            var spec = new ApiKeySpec(
                parse.GetRequiredValue(name),
                parse.GetValue(models)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                parse.GetValue(rpm),
                parse.GetValue(tpm),
                cap is { } usd ? MicroUsd.FromUsd(usd) : null,
                expiresAt,
                total is { } usdTotal ? MicroUsd.FromUsd(usdTotal) : null);
            var created = await services.GetRequiredService<IApiKeyService>().CreateAsync(user.Id, spec, ct, IAuditLog.Cli);
            Console.WriteLine(created.PlainKey);
            return AdminCli.Success;
        }, cancellationToken));

        var prefix = new Option<string>("--prefix") { Description = "The key's 12-character display prefix, or the whole key.", Required = true };
        var revoke = new Command("revoke", "Revoke a key.") { prefix };
        revoke.SetAction((parse, cancellationToken) => RunAsync(async (services, ct) =>
        {
            var target = parse.GetRequiredValue(prefix);
            var result = await services.GetRequiredService<IApiKeyService>().RevokeAsync(target, IAuditLog.Cli, ct);
            return result switch
            {
                RevokeResult.Revoked => Done($"Revoked {target[..Math.Min(target.Length, ApiKeyFormat.PrefixLength)]}."),
                RevokeResult.AlreadyRevoked => Done($"{target[..Math.Min(target.Length, ApiKeyFormat.PrefixLength)]} was already revoked."),
                RevokeResult.Ambiguous => Refuse($"More than one active key starts with '{target}'; pass the whole key."),
                _ => Refuse($"No key matches '{target}'."),
            };
        }, cancellationToken));

        return new Command("key", "Manage API keys.") { create, revoke };
    }

    private static Command BalanceCommand()
    {
        var email = EmailOption();
        var balance = new Command("balance", "Print a user's balance in USD.") { email };
        balance.SetAction((parse, cancellationToken) => RunAsync(async (services, ct) =>
        {
            var user = await FindUserAsync(services, parse.GetRequiredValue(email), ct);
            if (user is null)
                return Refuse($"No user has the email '{parse.GetRequiredValue(email)}'.");
            Console.WriteLine(MicroUsd.Format(await services.GetRequiredService<ILedger>().GetBalanceAsync(user.Id, ct)));
            return AdminCli.Success;
        }, cancellationToken));
        return balance;
    }

    private static bool IsPositiveMicroAmount(decimal usd) => MicroUsd.TryFromUsd(usd, out var micros) && micros > 0;

    private static Option<string> EmailOption() => new("--email") { Description = "The user's email.", Required = true };

    private static Task<PortalUser?> FindUserAsync(IServiceProvider services, string email, CancellationToken cancellationToken) =>
        services.GetRequiredService<IAccountService>().FindByEmailAsync(email, cancellationToken);

    internal static int Refuse(string message)
    {
        Console.Error.WriteLine(message);
        return AdminCli.BadArguments;
    }

    private static int Done(string message)
    {
        Console.WriteLine(message);
        return AdminCli.Success;
    }

    /// <summary>Runs a command inside a scope of the CLI's services, turning refusals into exit code 2.</summary>
    internal static async Task<int> RunAsync(Func<IServiceProvider, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        try
        {
            using var host = await AdminCli.StartServicesAsync(cancellationToken);
            await using var scope = host.Services.CreateAsyncScope();
            return await command(scope.ServiceProvider, cancellationToken);
        }
        catch (Exception ex) when (ex is AccountException or ApiKeySpecException or DatabaseCopyException)
        {
            return Refuse(ex.Message);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            Console.Error.WriteLine($"The configuration is invalid: {ex.Message}");
            return AdminCli.Failure;
        }
    }
}
