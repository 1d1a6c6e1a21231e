using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ProcessRegistry.Akka.Demo;

/// <summary>
/// Mutual TLS for a node's remoting, from its <see cref="NodeOptions"/> (scripts/make-certs.sh makes
/// the files): CLUSTER_TLS_CERTIFICATE, this node's PKCS#12 certificate and key; CLUSTER_TLS_PASSWORD,
/// its password; CLUSTER_TLS_CA, the certificate authority every node's certificate must chain to.
/// Each side of every connection shows its certificate and checks the other's against that CA
/// alone (not the machine's trust store): a node without a certificate the CA signed cannot join
/// the cluster, nor send its registry anything.
/// </summary>
internal static class NodeTls
{
    /// <summary>Whether the node's options ask for TLS.</summary>
    public static bool Enabled(NodeOptions node) => node.TlsCertificate.Length > 0;

    /// <summary>The HOCON that turns TLS on; the certificate itself comes in <see cref="Setup"/>.</summary>
    public const string Hocon = "akka.remote.dot-netty.tcp.enable-ssl = true";

    public static DotNettySslSetup Setup(NodeOptions node)
    {
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(node.TlsCertificate, node.TlsPassword);
        if (node.TlsCa.Length == 0)
            throw new InvalidOperationException("CLUSTER_TLS_CA must be set when CLUSTER_TLS_CERTIFICATE is.");
        var authority = X509CertificateLoader.LoadCertificateFromFile(node.TlsCa);
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            (peer, _, remote, _, log) =>
            {
                if (peer is not null && ChainsTo(authority, peer)) return true;
                log.Warning("Refused a TLS connection with {0}: its certificate ({1}) is not signed by the cluster's CA.", remote, peer?.Subject ?? "none");
                return false;
            });
    }

    private static bool ChainsTo(X509Certificate2 authority, X509Certificate2 peer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(peer);
    }
}
