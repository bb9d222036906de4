using System;

namespace ResponseCache.Json;

/// <summary>A response that cannot become JSON; nothing was cached.</summary>
public abstract class ResponseSerializationException : Exception
{
    protected ResponseSerializationException(string message)
        : base(message)
    {
    }
}

/// <summary>The response nests deeper than the allowed depth; unlike ConvertTo-Json, nothing is silently cut off.</summary>
public sealed class ResponseTooDeepException : ResponseSerializationException
{
    public ResponseTooDeepException(int maxDepth)
        : base($"The response nests deeper than {maxDepth} level{(maxDepth == 1 ? string.Empty : "s")}. Raise -Depth (up to {ResponseSerializer.MaxDepthLimit}) to cache it whole.")
    {
    }
}

/// <summary>The response refers to itself, so it has no JSON form.</summary>
public sealed class ResponseCycleException : ResponseSerializationException
{
    public ResponseCycleException(string typeName)
        : base($"The response contains a reference cycle through an object of type [{typeName}], which JSON cannot represent.")
    {
    }
}

/// <summary>A value JSON has no form for (NaN, infinity) or an object graph too large to write.</summary>
public sealed class ResponseNotSerializableException : ResponseSerializationException
{
    public ResponseNotSerializableException(string message)
        : base(message)
    {
    }
}
