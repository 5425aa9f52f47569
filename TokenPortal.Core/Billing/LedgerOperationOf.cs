namespace TokenPortal.Core.Billing;

/// <summary>A <see cref="LedgerOperation"/> whose caller awaits a <typeparamref name="T"/>.</summary>
internal abstract class LedgerOperation<T>(CancellationToken cancellationToken) : LedgerOperation(cancellationToken)
{
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T _result = default!;

    public Task<T> Task => _done.Task;

    protected T Result
    {
        set => _result = value;
    }

    public override void Publish() => _done.TrySetResult(_result);

    public override void Fail(Exception exception) => _done.TrySetException(exception);

    public override void Cancel() => _done.TrySetCanceled(CancellationToken);
}
