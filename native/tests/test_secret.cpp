#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "vix/secret.h"

using namespace vix;

TEST_CASE("secret: wipe() zeroes the bytes it held, long and short strings") {
    for (const char* text : {"hunter2", "a much longer password that lives on the heap, not in the object"}) {
        Secret s(text);
        const std::size_t n = std::strlen(text);
        const char* p = s.view().data();
        REQUIRE(std::memcmp(p, text, n) == 0);
        s.wipe();
        REQUIRE(s.empty());
        // clear() keeps the buffer (capacity), so the old bytes can be read.
        for (std::size_t i = 0; i < n; ++i) REQUIRE(p[i] == '\0');
    }
}

#if !defined(__SANITIZE_ADDRESS__)
// (Not under AddressSanitizer, which owns new and delete itself; the plain
// build of these tests runs this check.)
// The test binary's own sized operator delete looks at what is handed back
// while a test watches: that is where a WipingAllocator buffer must arrive
// already zeroed.
namespace {
thread_local bool t_watch = false;
thread_local int t_freed = 0;
thread_local int t_dirty = 0;
}  // namespace

// new is replaced too, so that allocation and release stay one malloc/free
// pair (AddressSanitizer checks that they match).
void* operator new(std::size_t n) {
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}

void operator delete(void* p, std::size_t n) noexcept {
    if (t_watch && p) {
        ++t_freed;
        for (std::size_t i = 0; i < n; ++i)
            if (static_cast<unsigned char*>(p)[i] != 0) {
                ++t_dirty;
                break;
            }
    }
    std::free(p);
}
void operator delete(void* p) noexcept { std::free(p); }

// The control: the same sized new/delete as WipingAllocator, without the wipe.
template <class T>
struct PlainAllocator {
    using value_type = T;
    PlainAllocator() = default;
    template <class U>
    PlainAllocator(const PlainAllocator<U>&) {}
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept { ::operator delete(static_cast<void*>(p), n * sizeof(T)); }
    template <class U>
    bool operator==(const PlainAllocator<U>&) const { return true; }
    template <class U>
    bool operator!=(const PlainAllocator<U>&) const { return false; }
};

template <class S>
static void grow_and_drop() {
    t_freed = t_dirty = 0;
    t_watch = true;
    {
        S s;
        for (int i = 0; i < 200; ++i) s += "secret";  // reallocates several times
    }
    t_watch = false;
}

TEST_CASE("secret: every buffer a WipedString gives back is zeroed, growth included") {
    grow_and_drop<WipedString>();
    REQUIRE(t_freed > 2);
    REQUIRE(t_dirty == 0);
    // Control: the check does see what an ordinary string leaves behind.
    grow_and_drop<std::basic_string<char, std::char_traits<char>, PlainAllocator<char>>>();
    REQUIRE(t_freed > 2);
    REQUIRE(t_dirty > 0);
}
#endif
