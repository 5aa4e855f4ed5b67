#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>
#include <unordered_set>
#include <vector>

#include "vix/handles.h"

using namespace vix;

namespace {
struct Item {
    int id = 0;
    std::atomic<int>* abandoned = nullptr;
    void abandon() {
        if (abandoned) ++*abandoned;
    }
};
}  // namespace

TEST_CASE("handles: positive ints that find their value") {
    HandleTable<Item> t;
    auto a = std::make_shared<Item>();
    a->id = 7;
    const int h = t.insert(a);
    REQUIRE(h > 0);
    REQUIRE(t.find(h)->id == 7);
    REQUIRE(t.find(0) == nullptr);
    REQUIRE(t.find(-h) == nullptr);
    REQUIRE(t.find(h + 1) == nullptr);
    REQUIRE(t.remove(h) == a);
    REQUIRE(t.find(h) == nullptr);
    REQUIRE(t.remove(h) == nullptr);
    REQUIRE(t.size() == 0);
}

TEST_CASE("handles: a released value is never handed out again (1,000,000 cycles)") {
    HandleTable<Item> t;
    std::unordered_set<int> seen;
    seen.reserve(1100000);
    auto item = std::make_shared<Item>();
    std::vector<int> held;
    for (int i = 0; i < 1000000; ++i) {
        const int h = t.insert(item);
        REQUIRE(h > 0);
        if (!seen.insert(h).second) FAIL("handle " << h << " reused at cycle " << i);
        // Mix of immediate frees and a few long-lived handles.
        if (i % 1000 == 0) {
            held.push_back(h);
        } else {
            t.remove(h);
            if (t.find(h)) FAIL("stale handle still valid");
        }
    }
    for (int h : held) REQUIRE(t.find(h) == item);
    REQUIRE(t.size() == held.size());
}

TEST_CASE("handles: 8 threads at once") {
    HandleTable<Item> t;
    constexpr int kThreads = 8;
    constexpr int kPerThread = 20000;
    std::vector<std::vector<int>> issued(kThreads);
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (int n = 0; n < kThreads; ++n) {
        threads.emplace_back([&, n] {
            for (int i = 0; i < kPerThread; ++i) {
                auto it = std::make_shared<Item>();
                it->id = n * kPerThread + i;
                const int h = t.insert(it);
                issued[n].push_back(h);
                auto found = t.find(h);
                if (!found || found->id != it->id) ++errors;
                if (i % 2 == 0 && t.remove(h) != it) ++errors;
            }
        });
    }
    for (auto& th : threads) th.join();
    REQUIRE(errors == 0);
    std::set<int> all;
    for (auto& v : issued) all.insert(v.begin(), v.end());
    REQUIRE(all.size() == static_cast<std::size_t>(kThreads * kPerThread));
    REQUIRE(t.size() == static_cast<std::size_t>(kThreads * kPerThread / 2));
}

TEST_CASE("handles: the child of a fork owns none of the parent's entries") {
    HandleTable<Item> t;
    std::atomic<int> abandoned{0};
    auto it = std::make_shared<Item>();
    it->abandoned = &abandoned;
    const int h = t.insert(it);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        // Child: the handle is invalid, the entry was abandoned (not finished).
        const bool ok = t.find(h) == nullptr && abandoned == 1 && t.size() == 0 && t.insert(it) != h;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    // Parent: untouched.
    REQUIRE(t.find(h) == it);
    REQUIRE(abandoned == 0);
}

TEST_CASE("handles: remove_if takes what the predicate accepts and nothing else") {
    HandleTable<Item> t;
    auto item = [](int id) {
        auto i = std::make_shared<Item>();
        i->id = id;
        return i;
    };
    const int a = t.insert(item(1));
    const int b = t.insert(item(2));
    const int c = t.insert(item(2));
    // The predicate runs under the table's lock: it may only look at the item.
    const auto removed = t.remove_if([](const Item& i) { return i.id == 2; });
    REQUIRE(removed.size() == 2);
    REQUIRE(t.find(a) != nullptr);
    REQUIRE(t.find(b) == nullptr);
    REQUIRE(t.find(c) == nullptr);
    REQUIRE(t.size() == 1);
}
