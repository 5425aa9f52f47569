using TokenPortal.Core.Billing;

namespace TokenPortal.Tests.Billing;

public sealed class ReserveOperationTests
{
    private static readonly ReserveRequest Request = new("u1", "r1", 0, 500, 100);

    [Fact]
    public async Task Fail_ConflictAsTheWriterReportsIt_IsARefusalNotAnError()
    {
        var operation = new ReserveOperation(Request, CancellationToken.None);

        operation.Fail(LedgerWriteException.Wrap(new LedgerConflictException("r1")));

        var outcome = await operation.Task;
        Assert.Null(outcome.Reservation);
        Assert.Equal(ReserveRefusal.Balance, outcome.Refusal);
    }

    [Fact]
    public async Task Fail_DatabaseFault_ReachesTheCallerAsADatabaseFailure()
    {
        var operation = new ReserveOperation(Request, CancellationToken.None);

        operation.Fail(LedgerWriteException.Wrap(new ObjectDisposedException("writer")));

        var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => operation.Task);
        Assert.IsType<ObjectDisposedException>(error.InnerException);
    }
}
