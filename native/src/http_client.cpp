// Client: one SOAP POST (or a GET of a file the session may read) on a
// session's connection, redirects, the cookie.
#include "vix/http.h"

#include <boost/beast/http/parser.hpp>

#include "vix/errors.h"

namespace vix {

// ---- Client --------------------------------------------------------------------

Client::Client(Endpoint ep, std::shared_ptr<const TlsContext> tls, std::string user_agent)
    : ep_(std::move(ep)), tls_(std::move(tls)), user_agent_(std::move(user_agent)) {}

static bool same_origin(const Endpoint& a, const Endpoint& b) {
    return a.tls == b.tls && a.host == b.host && a.port == b.port;
}

// The request line and the headers every request of this client carries
// (the cookie too: the request is a Secret), without the final blank line.
void Client::start_request(Secret& request, std::string_view method, std::string_view target) const {
    WipedString& req = request.str();
    req += method;
    req += ' ';
    req += target;
    req += " HTTP/1.1\r\nHost: ";
    const bool default_port = ep_.port == (ep_.tls ? 443 : 80);
    req += default_port ? (ep_.host.find(':') != std::string::npos ? "[" + ep_.host + "]" : ep_.host)
                        : ep_.authority();
    req += "\r\nUser-Agent: ";
    req += user_agent_;
    if (!cookie_.empty()) {
        req += "\r\nCookie: vmware_soap_session=";
        req += cookie_.view();
    }
    req += "\r\n";
}

HttpResponse Client::send(const Secret& request, const Deadline& dl, const BodyFilter& filter) {
    // A kept-alive connection that the server closed while idle is reopened
    // before anything is sent.
    const bool reused = conn_.is_open() && same_origin(conn_.endpoint(), ep_) && conn_.check_idle();
    if (!reused) conn_.open(ep_, tls_.get(), dl);
    bool received = false;
    HttpResponse r;
    try {
        r = conn_.exchange(request.view(), dl, received, filter);
    } catch (const Error& e) {
        // A kept-alive connection the server closed while idle: reconnect once.
        if (!reused || received || e.code() == VIX_E_NET_HTTP_OPERATION_TIMEDOUT) throw;
        conn_.open(ep_, tls_.get(), dl);
        r = conn_.exchange(request.view(), dl, received, filter);
    }
    if (!r.session_cookie.empty()) cookie_ = r.session_cookie;
    return r;
}

HttpResponse Client::post(std::string_view soap_action, std::string_view body, const Deadline& dl,
                          const BodyFilter& filter) {
    constexpr int kMaxRedirects = 5;
    // The event loop lives for this request only; the connection stays.
    struct Rest {
        Connection& c;
        ~Rest() { c.rest(); }
    } rest{conn_};
    for (int redirects = 0;; ++redirects) {
        Secret request;
        WipedString& req = request.str();
        req.reserve(body.size() + 400);
        start_request(request, "POST", ep_.path);
        req += "Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \"";
        req += soap_action;
        req += "\"\r\nContent-Length: ";
        req += std::to_string(body.size());
        req += "\r\n\r\n";
        req.append(body.data(), body.size());
        HttpResponse r = send(request, dl, filter);

        const unsigned s = r.status;
        if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) return r;
        if (r.location.empty()) return r;  // nowhere to go: the caller reports the status
        if (redirects == kMaxRedirects)
            throw Error(VIX_E_NET_HTTP_TOO_MANY_REDIRECTS,
                        "more than " + std::to_string(kMaxRedirects) + " redirects, last from " + ep_.url());
        Endpoint next = resolve_location(ep_, r.location);
        if (ep_.tls && !next.tls)
            throw Error(VIX_E_NET_HTTP_SSL_SECURITY, "refusing redirect from " + ep_.url() + " to plain http " +
                                                         next.url());
        if (!same_origin(next, ep_)) conn_.shutdown(dl);
        ep_ = std::move(next);
    }
}

HttpResponse Client::get(std::string_view target, const Deadline& dl) {
    struct Rest {
        Connection& c;
        ~Rest() { c.rest(); }
    } rest{conn_};
    Secret request;
    start_request(request, "GET", target);
    request.str() += "Accept: */*\r\n\r\n";
    return send(request, dl);
}

}  // namespace vix
