using Bunit;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Web.Components.Pages.Admin;

namespace TokenPortal.Tests.Components.Admin;

public sealed class AdminAuditTests : AdminTestContext
{
    private readonly RecordingAudit _audit = new();

    public AdminAuditTests() => Services.AddSingleton<IAuditLog>(_audit);

    [Fact]
    public void Search_IsLabelledAndReadsTheServerFromTheFirstPage()
    {
        var page = Render<AdminAudit>();
        page.WaitForAssertion(() => Assert.Contains("credit.grant", page.Find("[data-testid=audit-grid]").TextContent));
        Assert.Equal((null, 0, 50), _audit.Searches.Last());

        var label = page.FindAll("label.mud-input-label").Single(l => l.TextContent.Trim() == "Search the audit log");
        var search = page.Find($"input#{label.GetAttribute("for")}");
        search.Input("alice");

        page.WaitForAssertion(() => Assert.Equal(("alice", 0, 50), _audit.Searches.Last()), TimeSpan.FromSeconds(10)); // after the typing pause
    }

    private sealed class RecordingAudit : IAuditLog
    {
        public List<(string? Search, int Skip, int Take)> Searches { get; } = [];

        public Task WriteAsync(string actor, string action, string target, string? detail, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<(IReadOnlyList<AuditEntry> Rows, int TotalCount)> SearchAsync(string? search, int skip, int take, CancellationToken cancellationToken)
        {
            Searches.Add((string.IsNullOrEmpty(search) ? null : search, skip, take));
            IReadOnlyList<AuditEntry> rows = [new AuditEntry { At = DateTimeOffset.UnixEpoch, Actor = "alice@example.test", Action = "credit.grant", Target = "bob@example.test", Detail = "2.5 USD" }];
            return Task.FromResult((rows, 1));
        }
    }
}
