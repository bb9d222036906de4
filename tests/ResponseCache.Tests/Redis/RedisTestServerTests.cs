using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Net.Security;
using ResponseCache.Tests.Infrastructure;

namespace ResponseCache.Tests.Redis;

/// <summary>What the Redis tests rely on from the servers they start.</summary>
public sealed class RedisTestServerTests
{
    [Theory]
    [MemberData(nameof(RedisServerData.Kinds), MemberType = typeof(RedisServerData))]
    public void A_stopped_server_refuses_connections_and_answers_again_on_the_same_port_after_start(RedisServerKind kind)
    {
        using var server = RedisTestServers.StartPrivate(kind);
        using var client = RespProbe.Connect(server.Port, false, null, TimeSpan.FromSeconds(5));
        client.Expect("OK", "SET", "k", "v");
        var endpoint = server.Endpoint;

        server.Stop();

        Assert.ThrowsAny<Exception>(() => client.Send("PING")); // a client's open connection breaks, as in an outage
        Assert.ThrowsAny<Exception>(() => RespProbe.Connect(server.Port, false, null, TimeSpan.FromSeconds(2)).Dispose());
        server.Start();
        Assert.Equal(endpoint, server.Endpoint);
        using var again = RespProbe.Connect(server.Port, false, null, TimeSpan.FromSeconds(5));
        Assert.Null(again.Send("GET", "k")); // a restart loses what was written, as a crash would
    }

    [Theory]
    [MemberData(nameof(RedisServerData.Kinds), MemberType = typeof(RedisServerData))]
    public void A_server_with_a_password_answers_only_clients_that_give_it(RedisServerKind kind)
    {
        using var server = RedisTestServers.StartPrivate(kind, new RedisServerOptions { Password = "s3cret" });

        Assert.False(RespProbe.Answers(server.Port, false, null, TimeSpan.FromSeconds(5)));
        Assert.False(RespProbe.Answers(server.Port, false, "wrong", TimeSpan.FromSeconds(5)));
        Assert.True(RespProbe.Answers(server.Port, false, "s3cret", TimeSpan.FromSeconds(5)));
        Assert.Equal($"{server.Endpoint},password=s3cret", server.ConnectionString);
    }

    [Theory]
    [MemberData(nameof(RedisServerData.Kinds), MemberType = typeof(RedisServerData))]
    public void A_cluster_server_owns_every_slot_before_and_after_a_restart(RedisServerKind kind)
    {
        using var server = RedisTestServers.StartPrivate(kind, new RedisServerOptions { Cluster = true });
        AssertOwnsEverySlot(server);

        server.Stop();
        server.Start();

        AssertOwnsEverySlot(server);
    }

    [Fact]
    public void A_tls_server_presents_a_certificate_for_127_0_0_1_that_its_ca_validates()
    {
        if (!RedisTestServers.Kinds.Contains(RedisServerKind.Redis))
        {
            return; // TLS servers are redis-server only
        }
        using var server = RedisTestServers.StartPrivate(RedisServerKind.Redis, new RedisServerOptions { Tls = true });
        var ca = X509CertificateLoader.LoadCertificateFromFile(server.CaCertificatePath!);
        SslPolicyErrors? errors = null;

        using var client = new TcpClient("127.0.0.1", server.Port);
        using var ssl = new SslStream(client.GetStream(), false, (_, certificate, _, policyErrors) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            errors = chain.Build(X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData())) ? policyErrors & ~SslPolicyErrors.RemoteCertificateChainErrors : policyErrors;
            return true;
        });
        ssl.AuthenticateAsClient("127.0.0.1");

        Assert.Equal(SslPolicyErrors.None, errors);
        Assert.True(RespProbe.Answers(server.Port, true, null, TimeSpan.FromSeconds(5)));
        Assert.False(RespProbe.Answers(server.Port, false, null, TimeSpan.FromSeconds(2)));
        Assert.EndsWith(",ssl=true", server.ConnectionString);
    }

    private static void AssertOwnsEverySlot(RedisTestServer server)
    {
        using var probe = RespProbe.Connect(server.Port, false, null, TimeSpan.FromSeconds(5));
        var info = probe.Send("CLUSTER", "INFO");
        Assert.Contains("cluster_state:ok", info);
        Assert.Contains("cluster_slots_assigned:16384", info);
        probe.Expect("OK", "SET", "{ns}:k", "v");
    }
}
