// The Asio event loop of one blocking operation (a request, a connect, a
// transfer): its own io_context, run on the calling thread in slices of at
// most kSlice so that a pending signal is seen. None outlives the operation,
// so none is shared between threads or crosses a fork. Internal to http.
#pragma once
#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "vix/http.h"

namespace vix {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// How often a wait looks at Deadline::interrupted(): a signal must stop a
// wait within 50 ms.
constexpr std::chrono::milliseconds kSlice{20};

class IoLoop {
public:
    IoLoop();
    ~IoLoop();
    IoLoop(const IoLoop&) = delete;
    IoLoop& operator=(const IoLoop&) = delete;

    asio::io_context& ctx() { return *ctx_; }
    // Borrows the connection's descriptor; the connection keeps owning it.
    tcp::socket& socket() { return *sock_; }
    tcp::resolver& resolver();

    enum class Stop { done, timeout, interrupted };
    // Runs handlers until `done` is set, the deadline passes, or a signal is
    // pending; the last two return without cancelling anything (the caller
    // closes the socket).
    Stop run_until(const bool& done, const Deadline& dl);

    // A lookup's completion flag: while it is false at destruction, the
    // io_context must not be joined (getaddrinfo cannot be stopped).
    std::shared_ptr<const bool> resolve_pending;  // points at "done"

private:
    std::unique_ptr<asio::io_context> ctx_;
    std::optional<tcp::socket> sock_;
    std::optional<tcp::resolver> resolver_;
};

}  // namespace vix
