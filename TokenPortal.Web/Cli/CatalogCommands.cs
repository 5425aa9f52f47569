using System.CommandLine;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Admin.Import;

namespace TokenPortal.Web.Cli;

/// <summary><c>admin catalog import FILE.json</c>: prices, context lengths and modalities from models.dev or OpenRouter, shown as a diff before anything changes.</summary>
internal static class CatalogCommands
{
    /// <summary>A price list larger than this is not one (models.dev's whole api.json is a few MB).</summary>
    private const long MaxFileBytes = 64L * 1024 * 1024;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "models.dev's api.json or OpenRouter's /api/v1/models, saved as JSON." };
        var yes = new Option<bool>("--yes") { Description = "Apply the changes without asking." };
        var import = new Command("import", "Update prices, context lengths and modalities of the models here from a price list; prints the diff first.") { file, yes };
        import.SetAction((parse, cancellationToken) => AdminCommands.RunAsync(async (services, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            if (!path.Exists)
                return AdminCommands.Refuse($"There is no file {path.FullName}.");
            if (path.Length > MaxFileBytes)
                return AdminCommands.Refuse($"{path.Name} is larger than {MaxFileBytes / 1024 / 1024} MB; a price list is not.");
            IReadOnlyList<PriceListEntry> entries;
            try
            {
                entries = PriceListReader.Read(await File.ReadAllBytesAsync(path.FullName, ct));
            }
            catch (PriceListFormatException ex)
            {
                return AdminCommands.Refuse($"{path.Name}: {ex.Message}");
            }
            var importer = services.GetRequiredService<ICatalogImporter>();
            var plan = await importer.PlanAsync(entries, ct);
            Print(plan, path.Name);
            if (plan.Changes.Count == 0)
                return AdminCli.Success;
            if (!parse.GetValue(yes) && !Confirm(plan))
            {
                Console.WriteLine("Nothing changed. Run again with --yes to apply.");
                return AdminCli.Success;
            }
            await importer.ApplyAsync(plan, IAuditLog.Cli, ct);
            Console.WriteLine($"Applied: {Models(plan.Changes.Count)} updated; the gateway charges the new prices from the next request.");
            return AdminCli.Success;
        }, cancellationToken));
        return new Command("catalog", "Keep the model catalog in line with a published price list.") { import };
    }

    private static void Print(CatalogImportPlan plan, string name)
    {
        Console.WriteLine($"{name}: {plan.EntriesRead:N0} models listed.");
        foreach (var change in plan.Changes)
        {
            Console.WriteLine($"{change.PublicId} (as {change.EntryId}):");
            foreach (var field in change.Fields)
                Console.WriteLine($"  {field.Field,-13} {field.Before} -> {field.After}");
        }
        if (plan.Ambiguous.Count > 0)
            Console.WriteLine($"Left alone, several entries with different prices match: {string.Join("; ", plan.Ambiguous)}.");
        if (plan.NotInList.Count > 0)
            Console.WriteLine($"Not in the list, left as they are: {string.Join(", ", plan.NotInList)}.");
        if (plan.Changes.Count == 0)
            Console.WriteLine("The catalog already agrees with the list: nothing to change.");
    }

    /// <summary>Asks on a terminal; a script (input redirected) gets no question and no change without --yes.</summary>
    private static bool Confirm(CatalogImportPlan plan)
    {
        if (Console.IsInputRedirected)
            return false;
        Console.Write($"Apply these changes to {Models(plan.Changes.Count)}? [y/N] ");
        return Console.ReadLine()?.Trim().ToLowerInvariant() is "y" or "yes";
    }

    private static string Models(int count) => count == 1 ? "1 model" : $"{count} models";
}
