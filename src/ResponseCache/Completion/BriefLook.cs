using System;
using System.Threading.Tasks;

namespace ResponseCache.Completion;

/// <summary>What a completer may wait for a cache or server to answer: about a second, so Tab never hangs the console.</summary>
internal static class BriefLook
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(1);

    /// <summary>The connect and command timeout of a look's own Redis connection: within the patience.</summary>
    public static readonly TimeSpan RedisTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The look's answer, or false when it takes longer than the patience; a look that outlasts the wait goes on alone
    /// and is dropped, so it must hold nothing but a read. A look that fails throws here, as it would have.
    /// </summary>
    public static bool TryWithin<T>(Func<T> look, out T answer)
    {
        Task<T> looking = Task.Run(look);
        _ = looking.ContinueWith(unobserved => unobserved.Exception, TaskContinuationOptions.OnlyOnFaulted);
        if (!looking.Wait(s_patience))
        {
            answer = default!;
            return false;
        }

        answer = looking.Result;
        return true;
    }
}
