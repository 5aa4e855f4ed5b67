#include "vix/host.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>

#include "api.h"
#include "vix/config.h"
#include "vix/endpoint.h"
#include "vix/tls.h"
#include "vix/vim/session.h"

#ifndef VIX_VERSION
#define VIX_VERSION "0"
#endif

namespace vix {

namespace {

constexpr std::chrono::milliseconds kLogoutBudget{5000};
constexpr std::chrono::milliseconds kExitBudget{10000};
constexpr std::int64_t kApiLevel = 1;  // VIX_PROPERTY_HOST_API_VERSION

// Immutable TLS contexts, shared by the sessions that use the same settings.
// Never destroyed, like the handle table.
TlsContextCache& tls_cache() {
    static TlsContextCache* c = new TlsContextCache();
    return *c;
}

bool is_provider(std::int64_t v) {
    return v == VIX_SERVICEPROVIDER_DEFAULT || v == VIX_SERVICEPROVIDER_VMWARE_SERVER ||
           v == VIX_SERVICEPROVIDER_VMWARE_WORKSTATION || v == VIX_SERVICEPROVIDER_VMWARE_PLAYER ||
           v == VIX_SERVICEPROVIDER_VMWARE_VI_SERVER || v == VIX_SERVICEPROVIDER_VMWARE_WORKSTATION_SHARED;
}

bool is_vi(std::int64_t provider) {
    return provider == VIX_SERVICEPROVIDER_VMWARE_VI_SERVER || provider == VIX_SERVICEPROVIDER_VMWARE_WORKSTATION_SHARED;
}

bool is_local(std::int64_t provider) {
    return provider == VIX_SERVICEPROVIDER_DEFAULT || provider == VIX_SERVICEPROVIDER_VMWARE_WORKSTATION ||
           provider == VIX_SERVICEPROVIDER_VMWARE_PLAYER;
}

// What the arguments ask for, once every rule has passed.
struct Request {
    Endpoint endpoint;  // vSphere providers only
    bool clone = false;  // userName undef: the password is a clone ticket
};

// Every argument rule (SPEC sections 2 to 4), in parameter order: the first
// failing rule decides. Nothing here touches the network.
Request check_arguments(const ConnectArgs& a) {
    Request r;
    if (a.api_version.kind != IntArg::Int || (a.api_version.value != VIX_API_VERSION && a.api_version.value != 1))
        invalid_arg("apiVersion must be VIX_API_VERSION");
    if (a.host_type.kind != IntArg::Int || !is_provider(a.host_type.value))
        invalid_arg("hostType is not a VIX_SERVICEPROVIDER_* value");
    const std::int64_t provider = a.host_type.value;

    check_string(a.host_name, "hostName");
    if (is_vi(provider)) {
        if (a.host_name.kind != StrArg::Bytes) throw Error(VIX_E_INVALID_HOSTNAME_SPECIFICATION, "no host name given");
        r.endpoint = parse_endpoint(a.host_name.bytes);
    } else if (is_local(provider) && a.host_name.kind == StrArg::Bytes && !a.host_name.bytes.empty()) {
        std::string h(a.host_name.bytes);
        for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (h != "localhost")
            throw Error(VIX_E_NOT_FOR_REMOTE_HOST,
                        "Workstation and Player connect to the local host only; use "
                        "VIX_SERVICEPROVIDER_VMWARE_VI_SERVER for a remote host");
    }
    // hostPort is ignored, as documented.
    check_string(a.user_name, "userName");
    check_string(a.password, "password");
    if (is_vi(provider)) {
        const bool login = a.user_name.kind == StrArg::Bytes && a.password.kind == StrArg::Bytes;
        r.clone = a.user_name.kind == StrArg::Undef && a.password.kind == StrArg::Bytes;
        if (!login && !r.clone)
            invalid_arg("a user name and password are required (or undef and a clone ticket as the password)");
    }
    constexpr std::int64_t kRetiredBit = 0x8;
    if (a.options.kind != IntArg::Int ||
        (a.options.value & ~(VIX_HOSTOPTION_VERIFY_SSL_CERT | kRetiredBit)) != 0)
        invalid_arg("options may only hold VIX_HOSTOPTION_VERIFY_SSL_CERT");
    if (a.property_list.kind == IntArg::NotInt ||
        (a.property_list.kind == IntArg::Int && a.property_list.value != VIX_INVALID_HANDLE))
        invalid_arg("propertyListHandle must be VIX_INVALID_HANDLE");
    return r;
}

// A candidate is VMware's vmrun only if it is an executable regular file
// that is not this module's own vixrun under another name (a user may link
// vixrun as vmrun for old shell scripts: SPEC-VM's vixrun must not make a
// Workstation installation appear).
bool is_vmware_vmrun(const std::string& candidate) {
    struct stat st;
    if (::stat(candidate.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || ::access(candidate.c_str(), X_OK) != 0)
        return false;
    if (char* real = ::realpath(candidate.c_str(), nullptr)) {
        const std::string r(real);
        std::free(real);
        if (r.size() >= 7 && r.compare(r.size() - 7, 7, "/vixrun") == 0) return false;
    }
    // bin/vixrun carries this marker on its second line (make install
    // rewrites only the first): a copy under another name is found too.
    std::ifstream in(candidate, std::ios::binary);
    char head[1024];
    in.read(head, sizeof head);
    const std::string_view seen(head, static_cast<std::size_t>(in.gcount()));
    return seen.find("VMware::Vix::Simple vixrun: not VMware's vmrun") == std::string_view::npos;
}

std::string find_vmrun() {
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    std::vector<std::string> dirs;
    for (std::size_t start = 0; start <= path.size();) {
        std::size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        if (end > start) dirs.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    for (const char* d : {"/usr/bin", "/usr/local/bin", "/usr/lib/vmware/bin"}) dirs.push_back(d);
    for (const std::string& d : dirs) {
        const std::string candidate = d + "/vmrun";
        if (is_vmware_vmrun(candidate)) return candidate;
    }
    return {};
}

std::shared_ptr<HostSession> connect_local(const ConnectArgs& a) {
    const std::int64_t provider = a.host_type.value;
    const std::string vmrun = find_vmrun();
    const bool player = provider == VIX_SERVICEPROVIDER_VMWARE_PLAYER;
    if (vmrun.empty())
        throw Error(player ? VIX_E_WRAPPER_PLAYER_NOT_INSTALLED : VIX_E_WRAPPER_WORKSTATION_NOT_INSTALLED,
                    std::string("no local VMware ") + (player ? "Player" : "Workstation") +
                        " installation found (vmrun is not on PATH or in /usr/bin)");
    auto s = std::make_shared<HostSession>();
    s->provider = provider;
    s->full_name = std::string("VMware ") + (player ? "Player" : "Workstation") + " (local, " + vmrun + ")";
    return s;
}

std::shared_ptr<HostSession> connect_vi(const ConnectArgs& a, const Request& r) {
    const Settings settings = load_settings(a.options.value);
    const Deadline dl(settings.connect_timeout, a.interrupted);
    std::shared_ptr<const TlsContext> tls = tls_cache().get(settings);

    auto s = std::make_shared<HostSession>();
    s->provider = a.host_type.value;
    s->operation_timeout = settings.operation_timeout;
    s->session = std::make_shared<Session>(r.endpoint, std::move(tls), "VMware-Vix-Simple/" VIX_VERSION,
                                           settings.connect_timeout);
    s->session->connect(a.user_name.bytes, a.password.bytes, r.clone, dl);
    return s;
}

void finish(HostSession& s, std::chrono::milliseconds budget) noexcept {
    if (!s.session) return;
    const Deadline dl(std::min({budget, s.session->request_timeout(), kLogoutBudget}));
    s.session->logout(dl);
}

// Removes a host handle and every handle opened through it.
std::shared_ptr<HostSession> remove_host(int handle) {
    std::shared_ptr<HandleObject> o = handles().find(handle);
    if (!o || o->type() != VIX_HANDLETYPE_HOST) return nullptr;
    handles().remove_if([handle](const HandleObject& h) { return h.owner == handle; });
    return std::static_pointer_cast<HostSession>(handles().remove(handle));
}

}  // namespace

void HostSession::properties(const std::vector<IntArg>& ids, std::vector<PropertyValue>& out) {
    for (const IntArg& id : ids) {
        PropertyValue v;
        const std::int64_t n = id.kind == IntArg::Int ? id.value : -1;
        if (n == VIX_PROPERTY_HOST_HOSTTYPE) {
            v.number = provider;
        } else if (n == VIX_PROPERTY_HOST_API_VERSION) {
            v.number = kApiLevel;
        } else if (n == VIX_PROPERTY_HOST_SOFTWARE_VERSION) {
            v.is_string = true;
            v.text = session ? session->content().full_name : full_name;
        } else {
            out.clear();
            throw Error(VIX_E_UNRECOGNIZED_PROPERTY,
                        id.kind == IntArg::Int ? "property " + std::to_string(n) + " is not a host property"
                                               : std::string("property id is not an integer"));
        }
        out.push_back(std::move(v));
    }
}

bool valid_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        const unsigned c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int n;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (end - p <= n) return false;
        for (int i = 1; i <= n; ++i) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

Status host_connect(const ConnectArgs& args, int& handle) noexcept {
    handle = VIX_INVALID_HANDLE;
    return guarded([&] {
        const Request request = check_arguments(args);
        const std::int64_t provider = args.host_type.value;
        if (provider == VIX_SERVICEPROVIDER_VMWARE_SERVER)
            throw Error(VIX_E_NOT_SUPPORTED,
                        "VMware Server 1.0 (authd) is not supported; reach ESXi, vCenter and Server 2.0 with "
                        "VIX_SERVICEPROVIDER_VMWARE_VI_SERVER");
        std::shared_ptr<HostSession> s = is_vi(provider) ? connect_vi(args, request) : connect_local(args);
        try {
            handle = add_handle(s, 0);
        } catch (...) {
            finish(*s, kLogoutBudget);
            throw;
        }
    });
}

void host_disconnect(int handle) noexcept {
    (void)guarded([&] {
        if (std::shared_ptr<HostSession> s = remove_host(handle)) finish(*s, kLogoutBudget);
    });
}

void release_handle(int handle) noexcept {
    (void)guarded([&] {
        std::shared_ptr<HandleObject> o = handles().find(handle);
        if (!o) return;
        if (o->type() == VIX_HANDLETYPE_HOST) {
            host_disconnect(handle);
            return;
        }
        // A VM's guest credentials are wiped when its last user lets go of it.
        handles().remove(handle);
    });
}

std::int64_t handle_type(int handle) noexcept {
    std::int64_t type = VIX_HANDLETYPE_NONE;
    (void)guarded([&] {
        if (std::shared_ptr<HandleObject> o = handles().find(handle)) type = o->type();
    });
    return type;
}

Status get_properties(int handle, const std::vector<IntArg>& ids, std::vector<PropertyValue>& out) noexcept {
    out.clear();
    Status s = guarded([&] {
        std::shared_ptr<HandleObject> o = handles().find(handle);
        if (!o) throw Error(VIX_E_INVALID_HANDLE, "handle " + std::to_string(handle) + " is not a live handle");
        o->properties(ids, out);
    });
    if (!s.ok()) out.clear();
    return s;
}

Status acquire_clone_ticket(int handle, Secret& ticket) noexcept {
    ticket.wipe();
    return guarded([&] {
        std::shared_ptr<HostSession> s = host_arg(handle);
        ticket = s->session->acquire_clone_ticket(request_deadline(*s));
    });
}

void disconnect_all() noexcept {
    (void)guarded([&] {
        const Deadline total(kExitBudget);
        for (const std::shared_ptr<HandleObject>& o : handles().remove_all()) {
            if (o->type() != VIX_HANDLETYPE_HOST) continue;
            auto& s = static_cast<HostSession&>(*o);
            if (total.passed()) {
                s.abandon();
            } else {
                finish(s, std::chrono::milliseconds(total.remaining_ms()));
            }
        }
    });
}

std::size_t open_handle_count() noexcept {
    std::size_t n = 0;
    (void)guarded([&] { n = handles().size(); });
    return n;
}

}  // namespace vix
