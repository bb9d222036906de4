using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ResponseCache.Tests.Contract;

/// <summary>
/// A rule of <see cref="CacheContract"/>: a fact in each backend's subclass, skipped (saying why) in a subclass whose
/// backend this machine cannot run, as redis-server when it is not on PATH.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
[XunitTestCaseDiscoverer("ResponseCache.Tests.Contract.ContractFactDiscoverer", "ResponseCache.Tests")]
public sealed class ContractFactAttribute : FactAttribute
{
}

public sealed class ContractFactDiscoverer : FactDiscoverer
{
    /// <summary>A subclass declares a public static string property of this name when its backend may be missing.</summary>
    public const string UnavailableProperty = "Unavailable";

    public ContractFactDiscoverer(IMessageSink diagnosticMessageSink)
        : base(diagnosticMessageSink)
    {
    }

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        Type? backend = (testMethod.TestClass.Class as IReflectionTypeInfo)?.Type;
        if (backend?.GetProperty(UnavailableProperty, BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)?.GetValue(null) is string reason)
        {
            return new IXunitTestCase[]
            {
                new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason),
            };
        }

        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
