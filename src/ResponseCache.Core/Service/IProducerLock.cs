using System;
using System.Threading;

namespace ResponseCache.Core;

/// <summary>
/// Get-or-add across processes: at most one producer per key among every process sharing a store. The service holds
/// its own single flight first, so only one caller per process asks.
/// </summary>
public interface IProducerLock
{
    /// <summary>
    /// Takes the key's lock, or waits (bounded, cancellable) for the process that holds it and returns the response
    /// it stored. A refresh takes no entry older than its own start.
    /// </summary>
    /// <exception cref="ProducerWaitTimeoutException">The owner elsewhere ran longer than the wait timeout.</exception>
    ProducerTicket Acquire(KeyHash hash, CachePolicy policy, bool refresh, ICacheLog log, CancellationToken cancellation);
}

/// <summary>A held producer lock, released on dispose unless a store's write released it first.</summary>
public interface IProducerLease : IDisposable
{
}

/// <summary>How <see cref="IProducerLock.Acquire"/> ended: the caller produces (holding the lease), or another process's response is there, or the store is out of reach.</summary>
public readonly struct ProducerTicket
{
    private ProducerTicket(IProducerLease? lease, byte[]? response, bool unavailable)
    {
        Lease = lease;
        Response = response;
        IsUnavailable = unavailable;
    }

    /// <summary>This process may produce; nothing is locked across processes.</summary>
    public static ProducerTicket Unlocked { get; } = new ProducerTicket(null, null, unavailable: false);

    public static ProducerTicket Unavailable { get; } = new ProducerTicket(null, null, unavailable: true);

    /// <summary>The lock this caller holds while it produces; null when nothing is locked across processes.</summary>
    public IProducerLease? Lease { get; }

    /// <summary>The response another process produced while this one waited.</summary>
    public byte[]? Response { get; }

    public bool IsUnavailable { get; }

    public static ProducerTicket Owned(IProducerLease lease) => new ProducerTicket(lease, null, unavailable: false);

    public static ProducerTicket ProducedElsewhere(byte[] response) => new ProducerTicket(null, response, unavailable: false);
}

/// <summary>For stores whose processes do not coordinate producers (a directory): each process's single flight is all.</summary>
public sealed class NoProducerLock : IProducerLock
{
    public static NoProducerLock Instance { get; } = new NoProducerLock();

    private NoProducerLock()
    {
    }

    public ProducerTicket Acquire(KeyHash hash, CachePolicy policy, bool refresh, ICacheLog log, CancellationToken cancellation) => ProducerTicket.Unlocked;
}
