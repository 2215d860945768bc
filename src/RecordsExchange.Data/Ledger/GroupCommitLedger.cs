using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;

namespace RecordsExchange.Data.Ledger;

/// <summary>
/// The audit ledger's single writer, in two stages. Calls enqueue their entry in a bounded queue; the
/// sealer takes everything waiting (up to a batch), numbers it from the next sequence it keeps in
/// memory and seals each entry (canonical bytes and leaf hash); the committer writes a sealed batch in
/// one transaction, checks inside it that the numbers still follow the last committed entry (another
/// process may have appended: then it re-reads the tree and re-seals), commits durably, extends the
/// Merkle tree and only then releases the waiting calls. While one batch syncs, the next is gathered
/// and sealed. If a commit fails, every call in the batch fails and nothing of the batch is in the
/// tree. One fsync serves a whole batch.
/// </summary>
public sealed class GroupCommitLedger : IAuditLedger, IAsyncDisposable
{
    private readonly IDbContextFactory<RecordsDbContext> _contexts;
    private readonly Channel<Pending> _queue;
    // One sealed batch may wait while another commits: the pipeline's depth.
    private readonly Channel<List<Pending>> _sealed = Channel.CreateBounded<List<Pending>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
    private readonly int _maxBatchSize;
    private readonly TimeSpan _enqueueTimeout;
    private readonly LedgerWriteGate? _gate;
    private TaskCompletionSource _committed = NewSignal();
    private Task? _sealer;
    private Task? _committer;
    // The sealer's guess at the next sequence; the committer corrects it when another writer appended.
    private long _nextSequence;
    private SqliteWriter? _sqlite;

    public GroupCommitLedger(IDbContextFactory<RecordsDbContext> contexts, LedgerOptions options, LedgerWriteGate? gate = null)
    {
        _contexts = contexts;
        _gate = gate;
        _maxBatchSize = options.MaxBatchSize;
        _enqueueTimeout = options.EnqueueTimeout;
        QueueCapacity = options.QueueCapacity;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Tree = new MerkleTree(ReadLeafHashes);
    }

    /// <summary>
    /// The Merkle tree of every committed entry; leaf i is sequence i + 1. Only its recent leaves are in
    /// memory; proofs of older ones read their leaf hashes back from the audit table.
    /// </summary>
    public MerkleTree Tree { get; }

    /// <summary>Entries waiting for the writer now.</summary>
    public int QueueDepth => _queue.Reader.CanCount ? _queue.Reader.Count : 0;

    /// <summary>How many entries may wait before callers are held back.</summary>
    public int QueueCapacity { get; private init; }

    /// <summary>Why the last batch could not be committed; null once one commits again.</summary>
    public Exception? LastFailure { get; private set; }

    /// <summary>How long ago the last batch failed (when <see cref="LastFailure"/> is set).</summary>
    public TimeSpan SinceLastFailure => Stopwatch.GetElapsedTime(_lastFailureAt);

    private long _lastFailureAt;

    /// <summary>After every batch, committed or not (then with its error), with the time its transaction took; for metrics.</summary>
    public event Action<IReadOnlyList<AuditEntry>, TimeSpan, Exception?>? BatchWritten;

    /// <summary>Loads the committed leaves, checking that sequence numbers run from 1 without gaps, and starts the writer.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_sealer is not null)
        {
            return;
        }
        await using (var db = _contexts.CreateDbContext())
        {
            await LoadLeavesAsync(db, cancellationToken);
        }
        _nextSequence = Tree.Size + 1;
        _sealer = Task.Run(SealLoopAsync, CancellationToken.None);
        _committer = Task.Run(CommitLoopAsync, CancellationToken.None);
    }

    public async Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        if (_sealer is null)
        {
            throw new InvalidOperationException("The ledger is not initialized.");
        }
        var pending = new Pending(entry);
        if (!_queue.Writer.TryWrite(pending))
        {
            using var timeout = new CancellationTokenSource(_enqueueTimeout);
            try
            {
                await _queue.Writer.WriteAsync(pending, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new LedgerBusyException();
            }
            catch (ChannelClosedException ex)
            {
                throw new AuditUnavailableException(ex);
            }
        }
        return await pending.Completion.Task;
    }

    /// <summary>Completes when an entry after <paramref name="sequence"/> is committed (at once if one already is).</summary>
    public Task WaitForEntriesAfterAsync(long sequence, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _committed);
        return Tree.Size > sequence ? Task.CompletedTask : signal.Task.WaitAsync(cancellationToken);
    }

    private async Task SealLoopAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                var batch = new List<Pending>(Math.Min(_maxBatchSize, 64));
                while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }
                try
                {
                    Seal(batch, Interlocked.Add(ref _nextSequence, batch.Count) - batch.Count);
                }
                catch (Exception ex)
                {
                    // An entry that cannot be sealed fails its batch's calls, never the loop.
                    Fail(batch, ex);
                    continue;
                }
                await _sealed.Writer.WriteAsync(batch);
            }
        }
        finally
        {
            _sealed.Writer.TryComplete();
        }
    }

    private async Task CommitLoopAsync()
    {
        await foreach (var batch in _sealed.Reader.ReadAllAsync())
        {
            try
            {
                await CommitAsync(batch);
            }
            catch (Exception ex)
            {
                // Whatever went wrong around the commit, the batch's calls are answered (refused) and the loop goes on.
                Fail(batch, ex);
            }
        }
        if (_sqlite is not null)
        {
            await _sqlite.DisposeAsync();
        }
    }

    private static void Seal(List<Pending> batch, long first)
    {
        foreach (var pending in batch)
        {
            // Times to the microsecond, what every provider keeps (PostgreSQL's timestamptz keeps no
            // finer), so the stored row always matches the record its hash covers.
            pending.Entry.RecordedAt = WholeMicroseconds(pending.Entry.RecordedAt);
            pending.Entry.NoticeCreatedAt = pending.Entry.NoticeCreatedAt is { } created ? WholeMicroseconds(created) : null;
            pending.Entry.Sequence = first++;
            AuditCanonical.Seal(pending.Entry);
        }
    }

    /// <summary>The PostgreSQL advisory lock key every ledger writer takes for its transaction.</summary>
    public const long PostgresLedgerLock = 7_282_500_001;

    private static DateTimeOffset WholeMicroseconds(DateTimeOffset at) => at.AddTicks(-(at.Ticks % 10));

    private async Task CommitAsync(List<Pending> batch)
    {
        using var turn = _gate is null ? null : await _gate.EnterAsync(CancellationToken.None);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var db = _contexts.CreateDbContext();
            if (db.Database.IsSqlite())
            {
                _sqlite ??= new SqliteWriter(_contexts.CreateDbContext());
                await _sqlite.WriteAsync(batch, last => EnsureFollows(db, batch, last));
            }
            else
            {
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                // Read committed, whatever the database's default: the maximum below must be read after the lock.
                await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted);
                // The last sequence is read under a lock held until commit, or two nodes could read the same
                // maximum: SQL Server locks the range; on PostgreSQL every ledger writer (node or rx) takes
                // one transaction-scoped advisory lock, which needs no privilege beyond INSERT and SELECT
                // (a table lock strong enough would need UPDATE); the primary key still refuses a duplicate.
                long last;
                if (db.Database.IsNpgsql())
                {
                    await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresLedgerLock})");
                    last = await db.Database.SqlQueryRaw<long>("SELECT COALESCE(MAX(\"Sequence\"), 0) AS \"Value\" FROM \"AuditEntries\"").SingleAsync();
                }
                else
                {
                    last = await db.Database.SqlQueryRaw<long?>("SELECT MAX([Sequence]) AS [Value] FROM [AuditEntries] WITH (UPDLOCK, HOLDLOCK)").SingleAsync() ?? 0;
                }
                await EnsureFollows(db, batch, last);
                db.AuditEntries.AddRange(batch.Select(p => p.Entry));
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
            }
        }
        catch (Exception ex)
        {
            Fail(batch, ex);
            (LastFailure, _lastFailureAt) = (ex, Stopwatch.GetTimestamp());
            Report(batch, started, ex);
            // The held connection may be what failed: the next batch opens a new one.
            var held = _sqlite;
            _sqlite = null;
            try
            {
                await (held?.DisposeAsync() ?? ValueTask.CompletedTask);
            }
            catch (Exception)
            {
                // Already broken; dropping it is all that is left to do.
            }
            return;
        }
        LastFailure = null;
        Report(batch, started, null);

        foreach (var pending in batch)
        {
            Tree.Append(pending.Entry.LeafHash);
        }
        Interlocked.Exchange(ref _committed, NewSignal()).TrySetResult();
        foreach (var pending in batch)
        {
            pending.Completion.TrySetResult(pending.Entry.Sequence);
        }
    }

    // Refuses every call of a batch that was not committed; the numbers handed out after it would leave a
    // gap, so the sealer starts again after the tree (the committer re-checks them in any case).
    private void Fail(List<Pending> batch, Exception ex)
    {
        foreach (var pending in batch)
        {
            pending.Entry.Sequence = 0;
            pending.Completion.TrySetException(ex as AuditUnavailableException ?? new AuditUnavailableException(ex));
        }
        Interlocked.Exchange(ref _nextSequence, Tree.Size + 1);
    }

    // Metrics must never touch the ledger's own work: a failing subscriber is ignored.
    private void Report(List<Pending> batch, long started, Exception? error)
    {
        try
        {
            BatchWritten?.Invoke([.. batch.Select(p => p.Entry)], Stopwatch.GetElapsedTime(started), error);
        }
        catch (Exception)
        {
            // Ignored: see above.
        }
    }

    // Inside the write transaction, so no other writer can append between this check and the commit:
    // the batch must start right after the last committed entry. When another process appended (or a
    // failed batch left the sealer's numbers ahead), the tree catches up and the batch is re-sealed.
    private async Task EnsureFollows(RecordsDbContext db, List<Pending> batch, long last)
    {
        if (batch[0].Entry.Sequence == last + 1 && Tree.Size == last)
        {
            return;
        }
        if (Tree.Size != last)
        {
            await LoadLeavesAsync(db, CancellationToken.None);
        }
        Seal(batch, last + 1);
        Interlocked.Exchange(ref _nextSequence, last + batch.Count + 1);
    }

    // Appends to the tree every committed leaf it does not hold yet.
    private async Task LoadLeavesAsync(RecordsDbContext db, CancellationToken cancellationToken)
    {
        var from = Tree.Size;
        var leaves = db.AuditEntries.AsNoTracking()
            .Where(e => e.Sequence > from)
            .OrderBy(e => e.Sequence)
            .Select(e => new { e.Sequence, e.LeafHash })
            .AsAsyncEnumerable();
        await foreach (var leaf in leaves.WithCancellation(cancellationToken))
        {
            if (leaf.Sequence != Tree.Size + 1)
            {
                throw new InvalidOperationException($"The audit ledger has a gap: entry {Tree.Size + 1} is missing. Run `rx audit verify --db`.");
            }
            Tree.Append(leaf.LeafHash);
        }
    }

    // The tree's reader of older leaves: their stored hashes, in order (the tree checks them against what it holds).
    private void ReadLeafHashes(long firstIndex, Span<byte> hashes)
    {
        var (from, to) = (firstIndex + 1, firstIndex + (hashes.Length / MerkleHash.Size));
        using var db = _contexts.CreateDbContext();
        var read = 0;
        foreach (var leaf in db.AuditEntries.AsNoTracking().Where(e => e.Sequence >= from && e.Sequence <= to).OrderBy(e => e.Sequence).Select(e => e.LeafHash))
        {
            leaf.CopyTo(hashes.Slice(read++ * MerkleHash.Size, MerkleHash.Size));
        }
        if (read != to - from + 1)
        {
            throw new InvalidOperationException($"The audit ledger is missing entries between {from} and {to}. Run `rx audit verify --db`.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_sealer is not null)
        {
            await _sealer;
            await _committer!;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record Pending(AuditEntry Entry)
    {
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// SQLite: one connection held by the committer for its lifetime (opened through EF, so it has the
    /// pragmas every connection gets), with its statements prepared once: BEGIN IMMEDIATE, the last
    /// sequence, and an INSERT whose columns and conversions come from EF's model of the table (so the
    /// rows are those SaveChanges would write), without EF's per-entity change tracking and command
    /// building, which were the writer's main cost.
    /// </summary>
    private sealed class SqliteWriter : IAsyncDisposable
    {
        private readonly RecordsDbContext _db;
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _last;
        private readonly SqliteCommand _insert;
        private readonly SqliteParameter[] _parameters;
        private readonly (Func<AuditEntry, object?> Get, ValueConverter? Convert)[] _columns;

        public SqliteWriter(RecordsDbContext db)
        {
            _db = db;
            try
            {
                _db.Database.OpenConnection();
            }
            catch
            {
                _db.Dispose();
                throw;
            }
            _connection = (SqliteConnection)_db.Database.GetDbConnection();
            var entity = db.Model.FindEntityType(typeof(AuditEntry))!;
            var properties = entity.GetProperties().ToList();
            // A model this simple mapping cannot write as SaveChanges would (a shadow or owned property,
            // a database default) is refused rather than half-written.
            if (entity.GetNavigations().Any() || properties.Any(p => p.IsShadowProperty() || p.GetDefaultValueSql() is not null || p.TryGetDefaultValue(out _)))
            {
                throw new InvalidOperationException("The audit entry's model has a shadow, owned or defaulted property; the ledger's direct insert does not write those.");
            }
            var table = entity.GetTableName()!;
            _columns = [.. properties.Select(p => ((Func<AuditEntry, object?>)(e => p.GetGetter().GetClrValue(e)), p.GetTypeMapping().Converter))];
            _last = _connection.CreateCommand();
            _last.CommandText = $"SELECT COALESCE(MAX(\"Sequence\"), 0) FROM \"{table}\"";
            _insert = _connection.CreateCommand();
            _insert.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", properties.Select(p => $"\"{p.GetColumnName()}\""))}) VALUES ({string.Join(", ", properties.Select((_, i) => "$p" + i))})";
            _parameters = [.. properties.Select((_, i) => _insert.Parameters.Add(new SqliteParameter("$p" + i, null)))];
        }

        public async Task WriteAsync(List<Pending> batch, Func<long, Task> ensureFollows)
        {
            // BEGIN IMMEDIATE: the write lock is taken before the last sequence is read.
            await using var transaction = _connection.BeginTransaction(deferred: false);
            (_last.Transaction, _insert.Transaction) = (transaction, transaction);
            await ensureFollows((long)(await _last.ExecuteScalarAsync())!);
            foreach (var pending in batch)
            {
                for (var i = 0; i < _columns.Length; i++)
                {
                    var value = _columns[i].Get(pending.Entry);
                    _parameters[i].Value = (value is null ? null : _columns[i].Convert is { } convert ? convert.ConvertToProvider(value) : value) ?? DBNull.Value;
                }
                await _insert.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _last.DisposeAsync();
            await _insert.DisposeAsync();
            await _db.Database.CloseConnectionAsync();
            await _db.DisposeAsync();
        }
    }
}

/// <summary>The ledger's queue stayed full: the call is refused rather than left to pile up.</summary>
public sealed class LedgerBusyException()
    : RecordsExchangeException("The audit ledger is saturated; nothing was disclosed. Retry with backoff.");
