using ResponseCache.Core.Persistence;

namespace ResponseCache.Tests.Infrastructure;

internal static class SnapshotLimits
{
    public const int MaxResponseDepth = ResponseCache.Core.ResponseJson.MaxDepth;

    public const int MaxReadableDepth = ResponseCache.Core.ResponseJson.MaxReadDepth;
}
