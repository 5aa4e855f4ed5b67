// Settings -> OpenSSL context and peer verification (SPEC section 5).
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "vix/config.h"
#include "vix/endpoint.h"
#include "vix/errors.h"

namespace vix {

class TlsContext {
public:
    // Throws Error(VIX_E_NET_HTTP_SSL_SECURITY) for an unreadable CA file or
    // directory or a malformed thumbprint: never a silent fallback.
    explicit TlsContext(const Settings& settings);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    SSL_CTX* native() const { return ctx_; }

    // Before the handshake: SNI (names only) and, when verifying, the host
    // name or IP address the certificate must match.
    void prepare(SSL* ssl, const Endpoint& ep) const;

    // After a successful handshake: the thumbprint pin, if configured.
    void check_peer(SSL* ssl, const Endpoint& ep) const;

    // After a failed handshake: SSL_SECURITY when the peer's certificate was
    // refused, SSL_CONNECT_ERROR for a protocol failure.
    Error handshake_failure(SSL* ssl, const Endpoint& ep, const std::string& cause) const;

private:
    SSL_CTX* ctx_ = nullptr;
    bool verify_ = false;
    std::vector<unsigned char> pin_;
    const EVP_MD* pin_md_ = nullptr;
};

// One TlsContext per distinct set of TLS settings, shared by every session
// that uses them: building an SSL_CTX costs CPU on each connect and memory in
// each open session. The key holds the CA files' identity (inode, size,
// mtime), so an edited CA file is read again; a failure is never cached.
class TlsContextCache {
public:
    std::shared_ptr<const TlsContext> get(const Settings& settings);

private:
    std::mutex mu_;
    std::string key_;
    std::shared_ptr<const TlsContext> ctx_;
};

// "AB:cd:..." (SHA-256 or SHA-1) -> bytes; empty on a malformed value.
std::vector<unsigned char> parse_thumbprint(const std::string& text);
std::string format_thumbprint(const unsigned char* md, unsigned len);

}  // namespace vix
