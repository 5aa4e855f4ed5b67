// IoLoop: the event loop of one operation (see io_loop.h), and the graveyard
// of name lookups abandoned at a deadline.
#include "io_loop.h"

#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <vector>

namespace vix {

// io_contexts whose name lookup was abandoned at a deadline. Destroying one
// joins Asio's resolver thread, which waits for the system's name lookup
// (that cannot be stopped): so they wait here until the lookup has
// finished, and are reaped at a later lookup. After fork their threads do
// not exist in the child: they are dropped (leaked) there, never joined.
namespace {
struct Graveyard {
    std::mutex mu;
    pid_t pid = 0;
    std::vector<std::unique_ptr<asio::io_context>> ctxs;

    void bury(std::unique_ptr<asio::io_context> ctx) {
        std::lock_guard<std::mutex> lk(mu);
        adopt_fork_locked();
        ctxs.push_back(std::move(ctx));
    }
    void reap() {
        std::lock_guard<std::mutex> lk(mu);
        adopt_fork_locked();
        for (auto it = ctxs.begin(); it != ctxs.end();) {
            (*it)->poll();  // io_context::poll: runs a finished lookup's (aborted) handler
            if ((*it)->stopped()) {
                it = ctxs.erase(it);  // nothing pending: the join is immediate
            } else {
                ++it;
            }
        }
    }
    void adopt_fork_locked() {
        if (pid == ::getpid()) return;
        if (pid != 0)
            for (auto& c : ctxs) (void)c.release();
        ctxs.clear();
        pid = ::getpid();
    }
};
Graveyard& graveyard() {
    static Graveyard* g = new Graveyard();  // never destroyed, like the handle table
    return *g;
}
}  // namespace

IoLoop::IoLoop() : ctx_(std::make_unique<asio::io_context>(1)) { sock_.emplace(*ctx_); }

IoLoop::~IoLoop() {
    boost::system::error_code ec;
    if (sock_->is_open()) (void)sock_->release(ec);  // the Connection owns the descriptor
    sock_.reset();
    resolver_.reset();
    if (resolve_pending && !*resolve_pending) graveyard().bury(std::move(ctx_));
}

tcp::resolver& IoLoop::resolver() {
    if (!resolver_) {
        graveyard().reap();
        resolver_.emplace(*ctx_);
    }
    return *resolver_;
}

IoLoop::Stop IoLoop::run_until(const bool& done, const Deadline& dl) {
    if (ctx_->stopped()) ctx_->restart();
    while (!done) {
        const int ms = dl.remaining_ms();
        if (ms == 0) return Stop::timeout;
        ctx_->run_one_for(std::min(std::chrono::milliseconds(ms), kSlice));
        if (!done && dl.interrupted()) return Stop::interrupted;
    }
    return Stop::done;
}

}  // namespace vix
