namespace RecordsExchange.Data.Ledger;

/// <summary>
/// Takes turns, inside one server, between the two steady writers of the database: the ledger writer
/// and the console's indexer. SQLite has one write lock, and a writer that finds it taken waits in
/// SQLite's busy handler, which sleeps in growing steps (up to 100 ms): audited calls would wait that
/// long behind an index batch. Waiting here instead resumes the moment the other is done.
/// </summary>
public sealed class LedgerWriteGate
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        return new Turn(_turn);
    }

    private sealed class Turn(SemaphoreSlim turn) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                turn.Release();
            }
        }
    }
}
