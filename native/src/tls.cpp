#include "vix/tls.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace vix {

static std::string openssl_error() {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return "unknown OpenSSL error";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

// Adds every certificate of a PEM file to the store; returns how many.
static int add_pem_file(X509_STORE* store, const std::string& path, std::string& why) {
    BIO* bio = BIO_new_file(path.c_str(), "r");
    if (!bio) {
        why = std::strerror(errno ? errno : ENOENT);
        ERR_clear_error();
        return -1;
    }
    int n = 0;
    while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
        if (X509_STORE_add_cert(store, cert) == 1) ++n;
        X509_free(cert);
    }
    ERR_clear_error();  // the loop ends with a "no start line" error
    BIO_free(bio);
    return n;
}

std::vector<unsigned char> parse_thumbprint(const std::string& text) {
    std::vector<unsigned char> out;
    std::string hex;
    for (char c : text) {
        if (c == ':' || c == ' ' || c == '-') continue;
        if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
        hex += c;
    }
    if (hex.size() != 40 && hex.size() != 64) return {};
    for (std::size_t i = 0; i < hex.size(); i += 2)
        out.push_back(static_cast<unsigned char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

std::string format_thumbprint(const unsigned char* md, unsigned len) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        if (i) out += ':';
        out += digits[md[i] >> 4];
        out += digits[md[i] & 15];
    }
    return out;
}

TlsContext::TlsContext(const Settings& s) : verify_(s.verify_ssl) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ctx_) throw Error(VIX_E_NET_HTTP_SSL_CONNECT_ERROR, "TLS setup: " + openssl_error());
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    // Idle sessions keep no 34 KB of read/write buffers; a truncated body is
    // caught by HTTP framing, not by a missing close_notify.
    SSL_CTX_set_mode(ctx_, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_options(ctx_, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
    // One recv per burst instead of one per record header and one per body:
    // half the syscalls of a login. Safe with our loop, which only polls
    // after SSL_read itself asked for more data.
    SSL_CTX_set_read_ahead(ctx_, 1);

    if (!s.thumbprint.empty()) {
        pin_ = parse_thumbprint(s.thumbprint);
        if (pin_.empty()) {
            SSL_CTX_free(ctx_);
            throw Error(VIX_E_NET_HTTP_SSL_SECURITY,
                        "vix.sslThumbprint is not a SHA-256 or SHA-1 fingerprint (hex bytes separated by colons)");
        }
        pin_md_ = pin_.size() == 32 ? EVP_sha256() : EVP_sha1();
    }

    if (!verify_ && pin_.empty()) {
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
        return;
    }
    if (!pin_.empty()) {
        // The pin replaces chain trust: the exact leaf certificate is checked
        // after the handshake, before anything is sent.
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
        return;
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);

    X509_STORE* store = SSL_CTX_get_cert_store(ctx_);
    bool configured = false;
    auto fail = [&](const std::string& msg) {
        SSL_CTX_free(ctx_);
        ctx_ = nullptr;
        throw Error(VIX_E_NET_HTTP_SSL_SECURITY, msg);
    };
    if (!s.ca_file.empty()) {
        configured = true;
        std::string why;
        const int n = add_pem_file(store, s.ca_file, why);
        if (n < 0) fail("cannot read vix.sslCertificateFile " + s.ca_file + ": " + why);
        if (n == 0) fail("vix.sslCertificateFile " + s.ca_file + " holds no PEM certificate");
    }
    if (!s.ca_dir.empty()) {
        configured = true;
        DIR* d = opendir(s.ca_dir.c_str());
        if (!d) fail("cannot read vix.sslCertificateDirectory " + s.ca_dir + ": " + std::strerror(errno));
        int total = 0;
        int entries = 0;
        while (dirent* e = readdir(d)) {
            if (++entries > 100000) break;  // bounded, whatever the directory holds
            const std::string path = s.ca_dir + "/" + e->d_name;
            struct stat st;
            if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
            std::string why;
            const int n = add_pem_file(store, path, why);
            if (n > 0) total += n;
        }
        closedir(d);
        if (total == 0) fail("vix.sslCertificateDirectory " + s.ca_dir + " holds no readable PEM certificate");
    }
    if (!configured && SSL_CTX_set_default_verify_paths(ctx_) != 1)
        fail("cannot load the system trust store: " + openssl_error());
}

TlsContext::~TlsContext() {
    if (ctx_) SSL_CTX_free(ctx_);
}

void TlsContext::prepare(SSL* ssl, const Endpoint& ep) const {
    if (!ep.host_is_ip) SSL_set_tlsext_host_name(ssl, ep.host.c_str());
    if (verify_ && pin_.empty()) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const int ok = ep.host_is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, ep.host.c_str())
                                     : X509_VERIFY_PARAM_set1_host(param, ep.host.c_str(), ep.host.size());
        if (ok != 1) throw Error(VIX_E_NET_HTTP_SSL_CONNECT_ERROR, "TLS setup for " + ep.authority() + " failed");
    }
}

void TlsContext::check_peer(SSL* ssl, const Endpoint& ep) const {
    if (pin_.empty()) return;
    X509* leaf = SSL_get0_peer_certificate(ssl);
    if (!leaf) throw Error(VIX_E_NET_HTTP_SSL_SECURITY, ep.authority() + " presented no certificate");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    X509_digest(leaf, pin_md_, md, &len);
    if (len != pin_.size() || std::memcmp(md, pin_.data(), len) != 0)
        throw Error(VIX_E_NET_HTTP_SSL_SECURITY, "thumbprint mismatch for " + ep.authority() + ": server presented " +
                                                     (pin_md_ == EVP_sha1() ? "SHA-1 " : "SHA-256 ") +
                                                     format_thumbprint(md, len));
}

static void add_identity(std::string& key, const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
        key += "|missing";
        return;
    }
    key += '|' + std::to_string(st.st_ino) + ':' + std::to_string(st.st_size) + ':' +
           std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec);
}

std::shared_ptr<const TlsContext> TlsContextCache::get(const Settings& s) {
    std::string key = std::string(s.verify_ssl ? "v" : "-") + '|' + s.thumbprint + '|' + s.ca_file + '|' + s.ca_dir;
    if (s.verify_ssl && s.thumbprint.empty()) {
        if (!s.ca_file.empty()) add_identity(key, s.ca_file);
        if (!s.ca_dir.empty()) {
            add_identity(key, s.ca_dir);
            if (DIR* d = opendir(s.ca_dir.c_str())) {
                int entries = 0;
                while (dirent* e = readdir(d)) {
                    if (++entries > 100000) break;
                    key += e->d_name;
                    add_identity(key, s.ca_dir + "/" + e->d_name);
                }
                closedir(d);
            }
        }
    }
    std::lock_guard<std::mutex> lk(mu_);
    if (ctx_ && key == key_) return ctx_;
    auto ctx = std::make_shared<const TlsContext>(s);  // throws: nothing cached
    key_ = std::move(key);
    ctx_ = ctx;
    return ctx;
}

static const char* verify_reason(long v) {
    switch (v) {
        case X509_V_ERR_CERT_HAS_EXPIRED: return "expired";
        case X509_V_ERR_CERT_NOT_YET_VALID: return "not yet valid";
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH: return "wrong host";
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "self-signed";
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return "unknown issuer";
        case X509_V_ERR_CERT_REVOKED: return "revoked";
        default: return "untrusted";
    }
}

Error TlsContext::handshake_failure(SSL* ssl, const Endpoint& ep, const std::string& cause) const {
    const long v = SSL_get_verify_result(ssl);
    if (verify_ && pin_.empty() && v != X509_V_OK) {
        ERR_clear_error();
        return Error(VIX_E_NET_HTTP_SSL_SECURITY, std::string("certificate of ") + ep.authority() + " not trusted: " +
                                                      verify_reason(v) + " (" + X509_verify_cert_error_string(v) +
                                                      ")");
    }
    return Error(VIX_E_NET_HTTP_SSL_CONNECT_ERROR, "TLS handshake with " + ep.authority() + " failed: " + cause);
}

}  // namespace vix
