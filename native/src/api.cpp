#include "api.h"

#include <openssl/ssl.h>

#include "vix/host.h"

namespace vix {

namespace {

// The process's one piece of global state: the handle table. Never
// destroyed: OpenSSL's own exit handler may run before static destructors,
// so sessions still open at exit are closed by disconnect_all() from Perl's
// END instead.
HandleTable<HandleObject>* table_ptr() {
    static HandleTable<HandleObject>* t = [] {
        OPENSSL_init_ssl(0, nullptr);
        return new HandleTable<HandleObject>();
    }();
    return t;
}

std::atomic<InterruptCheck> g_interrupt{nullptr};

std::string handle_text(int handle) { return "handle " + std::to_string(handle); }

const char* kind_name(std::int64_t type) {
    switch (type) {
        case VIX_HANDLETYPE_HOST: return "a host handle";
        case VIX_HANDLETYPE_VM: return "a VM handle";
        case VIX_HANDLETYPE_SNAPSHOT: return "a snapshot handle";
        default: return "another kind of handle";
    }
}

template <class T>
std::shared_ptr<T> typed_arg(int handle, std::int64_t want, const char* want_text) {
    std::shared_ptr<HandleObject> o = handles().find(handle);
    if (!o) throw Error(VIX_E_INVALID_HANDLE, handle_text(handle) + " is not a live handle");
    if (o->type() != want)
        throw Error(VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE,
                    handle_text(handle) + " is " + kind_name(o->type()) + ", not " + want_text);
    return std::static_pointer_cast<T>(o);
}

}  // namespace

HandleTable<HandleObject>& handles() { return *table_ptr(); }

int add_handle(std::shared_ptr<HandleObject> object, int owner) {
    object->owner = owner;
    const int h = handles().insert(std::move(object));
    if (h == 0) throw Error(VIX_E_OUT_OF_MEMORY, "no handle left in this process");
    return h;
}

void set_interrupt_check(InterruptCheck check) noexcept { g_interrupt.store(check); }
InterruptCheck interrupt_check() noexcept { return g_interrupt.load(std::memory_order_relaxed); }

void invalid_arg(const std::string& why) { throw Error(VIX_E_INVALID_ARG, why); }

void check_string(const StrArg& a, const char* name) {
    if (a.kind == StrArg::NotString) invalid_arg(std::string(name) + " must be a string, not a reference");
    if (a.kind == StrArg::Undef) return;
    if (a.bytes.find('\0') != std::string_view::npos) invalid_arg(std::string(name) + " contains a NUL character");
    if (!valid_utf8(a.bytes)) throw Error(VIX_E_INVALID_UTF8_STRING, std::string(name) + " is not valid UTF-8");
}

std::string required_string(const StrArg& a, const char* name) {
    check_string(a, name);
    if (a.kind != StrArg::Bytes || a.bytes.empty()) invalid_arg(std::string(name) + " is required");
    return std::string(a.bytes);
}

std::string optional_string(const StrArg& a, const char* name) {
    check_string(a, name);
    return a.kind == StrArg::Bytes ? std::string(a.bytes) : std::string();
}

std::int64_t int_arg(const IntArg& a, const char* name, bool undef_is_zero) {
    if (a.kind == IntArg::Int) return a.value;
    if (a.kind == IntArg::Undef && undef_is_zero) return 0;
    invalid_arg(std::string(name) + " must be an integer");
}

std::int64_t options_arg(const IntArg& a, std::int64_t allowed, const char* name) {
    const std::int64_t v = int_arg(a, name);
    if ((v & ~allowed) != 0 || v < 0) invalid_arg(std::string(name) + " holds bits this call does not know");
    return v;
}

void no_handle_arg(const IntArg& a, const char* name) {
    if (a.kind == IntArg::NotInt || (a.kind == IntArg::Int && a.value != VIX_INVALID_HANDLE))
        invalid_arg(std::string(name) + " must be VIX_INVALID_HANDLE");
}

std::shared_ptr<HostSession> host_arg(int handle) {
    std::shared_ptr<HostSession> h = typed_arg<HostSession>(handle, VIX_HANDLETYPE_HOST, "a host handle");
    if (!h->session)
        throw Error(VIX_E_NOT_SUPPORTED, "this call needs a vSphere host (VIX_SERVICEPROVIDER_VMWARE_VI_SERVER)");
    return h;
}

std::shared_ptr<VmObject> vm_arg(int handle) {
    return typed_arg<VmObject>(handle, VIX_HANDLETYPE_VM, "a VM handle");
}

std::shared_ptr<SnapshotObject> snapshot_arg(int handle) {
    return typed_arg<SnapshotObject>(handle, VIX_HANDLETYPE_SNAPSHOT, "a snapshot handle");
}

}  // namespace vix
