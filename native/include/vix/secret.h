// Strings that hold credentials, tickets or cookies: wiped when freed.
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include <openssl/crypto.h>

namespace vix {

// Allocator that zeroes memory before giving it back, so that buffers which
// held a password do not linger in freed heap (or in a core dump).
template <class T>
struct WipingAllocator {
    using value_type = T;
    WipingAllocator() noexcept = default;
    template <class U>
    WipingAllocator(const WipingAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept {
        OPENSSL_cleanse(p, n * sizeof(T));
        ::operator delete(static_cast<void*>(p), n * sizeof(T));
    }
    template <class U>
    bool operator==(const WipingAllocator<U>&) const noexcept { return true; }
    template <class U>
    bool operator!=(const WipingAllocator<U>&) const noexcept { return false; }
};

using WipedString = std::basic_string<char, std::char_traits<char>, WipingAllocator<char>>;

// A WipedString that also clears its small-string buffer on destruction,
// which the allocator never sees.
class Secret {
public:
    Secret() = default;
    explicit Secret(std::string_view s) : s_(s.data(), s.size()) {}
    Secret(const Secret&) = default;
    Secret& operator=(const Secret&) = default;
    ~Secret() { wipe(); }
    void wipe() noexcept {
        if (!s_.empty()) OPENSSL_cleanse(&s_[0], s_.size());
        s_.clear();
    }
    std::string_view view() const noexcept { return s_; }
    bool empty() const noexcept { return s_.empty(); }
    WipedString& str() noexcept { return s_; }

private:
    WipedString s_;
};

}  // namespace vix
