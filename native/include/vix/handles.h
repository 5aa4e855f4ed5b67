// Generation-tagged handle table (SPEC section 7).
//
// A handle is a positive int: (generation << kIndexBits) | slot. Freeing a
// slot bumps its generation, and a slot whose generation is used up is
// retired, so a value once released is never handed out again in this
// process. Lookups copy a shared_ptr under a mutex: a handle released by one
// thread while another uses it stays alive until that use ends.
//
// After fork() the child owns none of the parent's entries: the first access
// in the child hands every entry to T::abandon() (close our copy of the
// socket, send nothing) and empties the table.
#pragma once
#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace vix {

namespace detail {
// Incremented in every child right after fork(); async-signal-safe.
inline std::atomic<unsigned> fork_epoch{0};
inline void note_fork_in_child() { fork_epoch.fetch_add(1, std::memory_order_relaxed); }
inline void register_fork_handler() {
    static std::once_flag once;
    std::call_once(once, [] { pthread_atfork(nullptr, nullptr, note_fork_in_child); });
}
}  // namespace detail

template <class T>
class HandleTable {
public:
    static constexpr int kIndexBits = 20;
    static constexpr std::uint32_t kMaxSlots = (1u << kIndexBits) - 1;  // slot 0 is never used
    static constexpr std::uint32_t kMaxGeneration = (1u << (31 - kIndexBits)) - 1;

    HandleTable() : epoch_(detail::fork_epoch.load()) { detail::register_fork_handler(); }

    // Returns the new handle, or 0 when the handle space is used up.
    int insert(std::shared_ptr<T> value) {
        std::lock_guard<std::mutex> lk(mu_);
        after_fork_locked();
        std::uint32_t slot;
        if (!free_.empty()) {
            slot = free_.back();
            free_.pop_back();
        } else {
            if (slots_.size() >= kMaxSlots) return 0;
            slots_.push_back(Slot{});
            slot = static_cast<std::uint32_t>(slots_.size());  // 1-based
        }
        Slot& s = slots_[slot - 1];
        s.value = std::move(value);
        ++live_;
        return static_cast<int>((s.generation << kIndexBits) | slot);
    }

    std::shared_ptr<T> find(int handle) {
        std::lock_guard<std::mutex> lk(mu_);
        after_fork_locked();
        Slot* s = lookup_locked(handle);
        return s ? s->value : nullptr;
    }

    // Removes the entry; the caller gets it to finish (e.g. log out).
    std::shared_ptr<T> remove(int handle) {
        std::lock_guard<std::mutex> lk(mu_);
        after_fork_locked();
        Slot* s = lookup_locked(handle);
        if (!s) return nullptr;
        return release_locked(*s, static_cast<std::uint32_t>(handle) & kMaxSlots);
    }

    // Removes every entry the predicate accepts (e.g. a host's VM handles).
    template <class Pred>
    std::vector<std::shared_ptr<T>> remove_if(Pred pred) {
        std::lock_guard<std::mutex> lk(mu_);
        after_fork_locked();
        std::vector<std::shared_ptr<T>> out;
        for (std::uint32_t i = 0; i < slots_.size(); ++i)
            if (slots_[i].value && pred(*slots_[i].value)) out.push_back(release_locked(slots_[i], i + 1));
        return out;
    }

    std::vector<std::shared_ptr<T>> remove_all() {
        std::lock_guard<std::mutex> lk(mu_);
        after_fork_locked();
        std::vector<std::shared_ptr<T>> out;
        for (std::uint32_t i = 0; i < slots_.size(); ++i)
            if (slots_[i].value) out.push_back(release_locked(slots_[i], i + 1));
        return out;
    }

    std::size_t size() {
        std::lock_guard<std::mutex> lk(mu_);
        after_fork_locked();
        return live_;
    }

private:
    struct Slot {
        std::uint32_t generation = 1;
        std::shared_ptr<T> value;
    };

    Slot* lookup_locked(int handle) {
        if (handle <= 0) return nullptr;
        const auto h = static_cast<std::uint32_t>(handle);
        const std::uint32_t slot = h & kMaxSlots;
        const std::uint32_t gen = h >> kIndexBits;
        if (slot == 0 || slot > slots_.size()) return nullptr;
        Slot& s = slots_[slot - 1];
        return (s.value && s.generation == gen) ? &s : nullptr;
    }

    std::shared_ptr<T> release_locked(Slot& s, std::uint32_t slot) {
        std::shared_ptr<T> v = std::move(s.value);
        s.value.reset();
        --live_;
        if (s.generation < kMaxGeneration) {
            ++s.generation;
            free_.push_back(slot);
        }  // else: retired for good, its values are all spent
        return v;
    }

    void after_fork_locked() {
        const unsigned now = detail::fork_epoch.load(std::memory_order_relaxed);
        if (now == epoch_) return;
        epoch_ = now;
        for (std::uint32_t i = 0; i < slots_.size(); ++i) {
            if (!slots_[i].value) continue;
            std::shared_ptr<T> v = release_locked(slots_[i], i + 1);
            v->abandon();
        }
    }

    std::mutex mu_;
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> free_;
    std::size_t live_ = 0;
    unsigned epoch_;
};

}  // namespace vix
