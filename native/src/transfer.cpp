// Streamed file transfers (guest file copies, SPEC-VM 14): a body read from
// a file or written to one in 64 KiB steps, never held whole, on a
// connection of its own. The deadline bounds connecting and each stall;
// the whole transfer may take as long as it makes progress.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/optional.hpp>

#include "vix/errors.h"
#include "vix/http.h"

namespace vix {

namespace http = boost::beast::http;

namespace {

constexpr std::size_t kChunk = 64 * 1024;

// For details: the URL's query holds the transfer's token, never shown.
std::string where(const Endpoint& ep) {
    return ep.authority() + ep.path.substr(0, ep.path.find('?'));
}

std::string request_head(const char* method, const Endpoint& ep, std::string_view user_agent) {
    const bool default_port = ep.port == (ep.tls ? 443 : 80);
    std::string h = method;
    h += ' ';
    h += ep.path;
    h += " HTTP/1.1\r\nHost: ";
    h += default_port ? (ep.host.find(':') != std::string::npos ? "[" + ep.host + "]" : ep.host) : ep.authority();
    h += "\r\nUser-Agent: ";
    h += user_agent;
    h += "\r\nConnection: close\r\n";
    return h;
}

[[noreturn]] void file_error(const char* what, const std::string& path, int err) {
    const std::int64_t code = err == ENOENT ? VIX_E_FILE_NOT_FOUND
                              : (err == EACCES || err == EPERM) ? VIX_E_FILE_ACCESS_ERROR
                              : err == EISDIR ? VIX_E_NOT_A_FILE
                                              : VIX_E_FILE_ERROR;
    throw Error(code, std::string(what) + " \"" + path + "\": " + std::strerror(err));
}

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

// A Beast body that hands what it receives straight to a file.
struct FileSinkBody {
    struct value_type {
        int fd = -1;
        const Progress* progress = nullptr;
        std::uint64_t done = 0;
        std::uint64_t total = 0;
        int error = 0;  // errno of a failed write
    };
    class reader {
    public:
        template <bool isRequest, class Fields>
        reader(http::header<isRequest, Fields>&, value_type& v) : v_(v) {}
        void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
            if (length) v_.total = *length;
            ec = {};
        }
        template <class Buffers>
        std::size_t put(const Buffers& buffers, boost::beast::error_code& ec) {
            std::size_t n = 0;
            for (const auto b : boost::beast::buffers_range_ref(buffers)) {
                const char* p = static_cast<const char*>(b.data());
                for (std::size_t left = b.size(); left > 0;) {
                    const ssize_t w = ::write(v_.fd, p, left);
                    if (w < 0 && errno == EINTR) continue;
                    if (w < 0) {
                        v_.error = errno;
                        ec = boost::beast::error_code(errno, boost::system::generic_category());
                        return n;
                    }
                    p += w;
                    left -= static_cast<std::size_t>(w);
                    n += static_cast<std::size_t>(w);
                }
            }
            v_.done += n;
            if (v_.progress && *v_.progress) (*v_.progress)(v_.done, v_.total);
            ec = {};
            return n;
        }
        void finish(boost::beast::error_code& ec) { ec = {}; }

    private:
        value_type& v_;
    };
};

}  // namespace

void http_upload(const Endpoint& ep, const TlsContext* tls, std::string_view user_agent,
                 const std::string& local_path, const Deadline& dl, const Progress& progress) {
    struct stat st {};
    if (::stat(local_path.c_str(), &st) != 0) file_error("upload: cannot read", local_path, errno);
    if (!S_ISREG(st.st_mode))
        throw Error(VIX_E_NOT_A_FILE, "upload: \"" + local_path + "\" is " +
                                          (S_ISDIR(st.st_mode) ? "a directory" : "not a regular file"));
    Fd file;
    file.fd = ::open(local_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (file.fd < 0 || ::fstat(file.fd, &st) != 0) file_error("upload: cannot open", local_path, errno);
    const std::uint64_t total = static_cast<std::uint64_t>(st.st_size);

    Connection conn;
    conn.open(ep, tls, dl);
    std::string head = request_head("PUT", ep, user_agent);
    head += "Content-Type: application/octet-stream\r\nContent-Length: " + std::to_string(total) + "\r\n\r\n";
    conn.write_all(head, dl);

    std::vector<char> buf(kChunk);
    std::uint64_t done = 0;
    if (progress) progress(0, total);
    while (done < total) {
        const ssize_t n = ::read(file.fd, buf.data(), static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, total - done)));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) file_error("upload: cannot read", local_path, errno);
        if (n == 0)
            conn.fail(VIX_E_FILE_ERROR, "upload: \"" + local_path + "\" shrank while it was being sent");
        conn.write_all(std::string_view(buf.data(), static_cast<std::size_t>(n)), dl.restarted());
        done += static_cast<std::uint64_t>(n);
        if (progress) progress(done, total);
    }
    bool received = false;
    const HttpResponse r = conn.exchange({}, dl.restarted(), received);
    conn.rest();
    if (r.status < 200 || r.status > 299)
        throw Error(VIX_E_NET_HTTP_HTTP_RETURNED_ERROR,
                    "upload: HTTP " + std::to_string(r.status) + " " + r.reason + " from " + where(ep));
}

void http_download(const Endpoint& ep, const TlsContext* tls, std::string_view user_agent,
                   const std::string& local_path, const Deadline& dl, const Progress& progress) {
    // The temporary file beside the target, so the rename is atomic.
    struct Temp {
        std::string path;
        int fd = -1;
        bool keep = false;
        ~Temp() {
            if (fd >= 0) ::close(fd);
            if (!keep && !path.empty()) ::unlink(path.c_str());
        }
    } tmp;
    std::string name = local_path + ".vix-XXXXXX";
    tmp.fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (tmp.fd < 0) file_error("download: cannot create a file beside", local_path, errno);
    tmp.path = name;
    struct stat old {};
    ::fchmod(tmp.fd, ::stat(local_path.c_str(), &old) == 0 ? (old.st_mode & 07777) : 0644);

    Connection conn;
    conn.open(ep, tls, dl);
    conn.write_all(request_head("GET", ep, user_agent) + "Accept: */*\r\n\r\n", dl);

    boost::beast::flat_buffer buf;
    for (int interim = 0;; ++interim) {
        if (interim > 10) conn.fail(VIX_E_NET_HTTP_TRANSFER, "download: " + where(ep) + " sent too many 1xx responses");
        http::response_parser<FileSinkBody> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // streamed: no cap
        parser.header_limit(64 * 1024);
        parser.eager(false);  // the status decides before any body is written
        auto& sink = parser.get().body();
        sink.fd = tmp.fd;
        sink.progress = &progress;
        bool header_checked = false;
        for (;;) {
            boost::beast::error_code ec;
            while (buf.size() > 0 && !parser.is_done()) {
                const std::size_t used = parser.put(buf.data(), ec);
                buf.consume(used);
                if (ec == http::error::need_more) break;
                if (ec && sink.error) file_error("download: cannot write", tmp.path, sink.error);
                if (ec) conn.fail(VIX_E_NET_HTTP_TRANSFER, "download: bad HTTP response from " + where(ep) + ": " + ec.message());
                if (parser.is_header_done() && !header_checked) {
                    header_checked = true;
                    const unsigned s = parser.get().result_int();
                    if (s >= 100 && s < 200) break;
                    if (s != 200)
                        conn.fail(VIX_E_NET_HTTP_HTTP_RETURNED_ERROR,
                                  "download: HTTP " + std::to_string(s) + " " +
                                      std::string(parser.get().reason().substr(0, 100)) + " from " + where(ep));
                    parser.eager(true);
                }
                if (used == 0) break;
            }
            if (parser.is_done() || (header_checked && parser.get().result_int() < 200)) break;
            auto space = buf.prepare(kChunk);
            // Each step gets the whole budget again: a stall fails, a long
            // transfer does not.
            const std::size_t n = conn.read_some(static_cast<char*>(space.data()), space.size(),
                                                 header_checked ? dl.restarted() : dl);
            if (n == 0) {
                parser.put_eof(ec);
                if (ec || !parser.is_done())
                    conn.fail(VIX_E_NET_HTTP_TRANSFER,
                              "download: " + where(ep) + " closed the connection after " + std::to_string(sink.done) +
                                  (sink.total ? " of " + std::to_string(sink.total) : std::string()) + " bytes");
                break;
            }
            buf.commit(n);
        }
        if (parser.get().result_int() < 200) continue;
        break;
    }
    conn.rest();
    const int fd = tmp.fd;
    tmp.fd = -1;
    if (::close(fd) != 0) file_error("download: cannot write", tmp.path, errno);
    if (::rename(tmp.path.c_str(), local_path.c_str()) != 0) file_error("download: cannot replace", local_path, errno);
    tmp.keep = true;
}

}  // namespace vix
