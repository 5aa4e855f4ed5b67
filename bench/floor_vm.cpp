// floor_vm: the minimal wire work of the VM operations benchmarked by
// bench/vm-run, as a lower bound for the other clients.
//
//   floor_vm URL USER PASSWORD cycle VMXPATH N   -> N timed VM cycles
//   floor_vm URL USER PASSWORD snapcycle VMXPATH N -> N snapshot create/revert/remove cycles
//   floor_vm URL USER PASSWORD find N            -> N timed registered-VM listings
//
// A VM cycle, on one logged-in session, does what the VIX semantics need:
// find the VM (datacenters, SearchIndex.FindByDatastorePath), read its power
// state, then power it on and off, each after checking the power state, each
// task waited for with a filter on a private PropertyCollector (one per
// session, reused) and WaitForUpdatesEx (never polling). A listing is a ContainerView of every
// VirtualMachine with config.files.vmPathName and runtime.powerState, paged
// with ContinueRetrievePropertiesEx, the paths pulled out of the XML by string
// search (no DOM).
#include "floor_wire.h"

namespace {

using namespace wire;

std::string text_of(const std::string& body, const std::string& open_tag, size_t from = 0) {
    size_t p = body.find(open_tag, from);
    if (p == std::string::npos) return {};
    size_t gt = body.find('>', p), lt = body.find('<', gt);
    return body.substr(gt + 1, lt - gt - 1);
}

std::string this_(const std::string& type, const std::string& v) {
    return "<_this type=\"" + type + "\">" + xml_escape(v) + "</_this>";
}

struct Session {
    Conn c;
    Url u;
    std::string pc, root, search, views;
    std::string waiter;  // a private PropertyCollector, reused by every task wait

    Response call(const std::string& body, const char* what) {
        Response r = c.call(u, body);
        if (r.status != 200) throw std::runtime_error(std::string(what) + ": HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300));
        return r;
    }
};

void connect(Session& s, const std::string& user, const std::string& pass) {
    open_tls(s.c, nullptr);
    Response r = s.c.call(s.u, "<RetrieveServiceContent xmlns=\"urn:vim25\"><_this type=\"ServiceInstance\">"
                               "ServiceInstance</_this></RetrieveServiceContent>");
    s.c.sm = text_of(r.body, "<sessionManager");
    s.pc = text_of(r.body, "<propertyCollector");
    s.root = text_of(r.body, "<rootFolder");
    s.search = text_of(r.body, "<searchIndex");
    s.views = text_of(r.body, "<viewManager");
    login(s.c, s.u, user, pass);
}

std::string power_state(Session& s, const std::string& vm) {
    Response r = s.call("<RetrievePropertiesEx xmlns=\"urn:vim25\">" + this_("PropertyCollector", s.pc) +
                            "<specSet><propSet><type>VirtualMachine</type><pathSet>runtime.powerState</pathSet></propSet>"
                            "<objectSet><obj type=\"VirtualMachine\">" + vm + "</obj></objectSet></specSet>"
                            "<options></options></RetrievePropertiesEx>", "RetrievePropertiesEx");
    return text_of(r.body, "<val");
}

// Starts a task with `args` on an object and waits for it; returns info.result.
std::string run_task(Session& s, const std::string& type, const std::string& obj, const std::string& method,
                     const std::string& args = "") {
    Response r = s.call("<" + method + " xmlns=\"urn:vim25\">" + this_(type, obj) + args + "</" + method + ">", method.c_str());
    const std::string task = text_of(r.body, "<returnval");
    if (s.waiter.empty()) {
        r = s.call("<CreatePropertyCollector xmlns=\"urn:vim25\">" + this_("PropertyCollector", s.pc) +
                       "</CreatePropertyCollector>", "CreatePropertyCollector");
        s.waiter = text_of(r.body, "<returnval");
    }
    const std::string& pc = s.waiter;
    r = s.call("<CreateFilter xmlns=\"urn:vim25\">" + this_("PropertyCollector", pc) +
                   "<spec><propSet><type>Task</type><pathSet>info.state</pathSet><pathSet>info.error</pathSet>"
                   "<pathSet>info.result</pathSet></propSet>"
                   "<objectSet><obj type=\"Task\">" + task + "</obj></objectSet></spec><partialUpdates>false</partialUpdates></CreateFilter>",
               "CreateFilter");
    const std::string filter = text_of(r.body, "<returnval");
    std::string version, state, result;
    for (int i = 0; i < 1000 && state != "success"; ++i) {  // bounded: 1,000 long polls
        r = s.call("<WaitForUpdatesEx xmlns=\"urn:vim25\">" + this_("PropertyCollector", pc) + "<version>" + version +
                       "</version><options><maxWaitSeconds>30</maxWaitSeconds></options></WaitForUpdatesEx>",
                   "WaitForUpdatesEx");
        if (r.body.find("<returnval") == std::string::npos) continue;
        version = text_of(r.body, "<version");
        size_t p = r.body.find("<name>info.state</name>");
        if (p != std::string::npos) state = text_of(r.body, "<val", p);
        p = r.body.find("<name>info.result</name>");
        if (p != std::string::npos) result = text_of(r.body, "<val", p);
        if (state == "error") throw std::runtime_error(method + " failed: " + r.body.substr(0, 400));
    }
    s.call("<DestroyPropertyFilter xmlns=\"urn:vim25\">" + this_("PropertyFilter", filter) + "</DestroyPropertyFilter>",
           "DestroyPropertyFilter");
    return result;
}

// The test-lab cycle: take a snapshot, revert to it, remove it.
void snap_cycle(Session& s, const std::string& vm) {
    const std::string snap = run_task(s, "VirtualMachine", vm, "CreateSnapshot_Task",
                                      "<name>bench</name><description></description><memory>false</memory>"
                                      "<quiesce>false</quiesce>");
    if (snap.empty()) throw std::runtime_error("CreateSnapshot_Task named no snapshot");
    run_task(s, "VirtualMachineSnapshot", snap, "RevertToSnapshot_Task", "<suppressPowerOn>false</suppressPowerOn>");
    run_task(s, "VirtualMachineSnapshot", snap, "RemoveSnapshot_Task", "<removeChildren>false</removeChildren>");
}

std::string find_vm(Session& s, const std::string& path) {
    // The datacenters, as one traversal from the root folder.
    Response r = s.call("<RetrievePropertiesEx xmlns=\"urn:vim25\">" + this_("PropertyCollector", s.pc) +
                            "<specSet><propSet><type>Datacenter</type><pathSet>datastore</pathSet></propSet>"
                            "<objectSet><obj type=\"Folder\">" + s.root + "</obj><skip>true</skip>"
                            "<selectSet xsi:type=\"TraversalSpec\"><name>f</name><type>Folder</type><path>childEntity</path>"
                            "<skip>false</skip><selectSet><name>f</name></selectSet></selectSet></objectSet></specSet>"
                            "<options></options></RetrievePropertiesEx>", "RetrievePropertiesEx");
    const std::string dc = text_of(r.body, "<obj type=\"Datacenter\"");
    r = s.call("<FindByDatastorePath xmlns=\"urn:vim25\">" + this_("SearchIndex", s.search) +
                   "<datacenter type=\"Datacenter\">" + dc + "</datacenter><path>" + xml_escape(path) +
                   "</path></FindByDatastorePath>", "FindByDatastorePath");
    std::string vm = text_of(r.body, "<returnval");
    if (vm.empty()) throw std::runtime_error("no VM at " + path);
    return vm;
}

void vm_cycle(Session& s, const std::string& path) {
    const std::string vm = find_vm(s, path);
    power_state(s, vm);  // what the script prints
    if (power_state(s, vm) == "poweredOn") throw std::runtime_error("VM is already on");
    run_task(s, "VirtualMachine", vm, "PowerOnVM_Task");
    if (power_state(s, vm) != "poweredOn") throw std::runtime_error("VM did not power on");
    run_task(s, "VirtualMachine", vm, "PowerOffVM_Task");
}

size_t list_vms(Session& s) {
    Response r = s.call("<CreateContainerView xmlns=\"urn:vim25\">" + this_("ViewManager", s.views) +
                            "<container type=\"Folder\">" + s.root + "</container><type>VirtualMachine</type>"
                            "<recursive>true</recursive></CreateContainerView>", "CreateContainerView");
    const std::string view = text_of(r.body, "<returnval");
    r = s.call("<RetrievePropertiesEx xmlns=\"urn:vim25\">" + this_("PropertyCollector", s.pc) +
                   "<specSet><propSet><type>VirtualMachine</type><pathSet>config.files.vmPathName</pathSet>"
                   "<pathSet>runtime.powerState</pathSet></propSet><objectSet><obj type=\"ContainerView\">" + view +
                   "</obj><skip>true</skip><selectSet xsi:type=\"TraversalSpec\"><name>v</name><type>ContainerView</type>"
                   "<path>view</path><skip>false</skip></selectSet></objectSet></specSet>"
                   "<options><maxObjects>1000</maxObjects></options></RetrievePropertiesEx>", "RetrievePropertiesEx");
    std::vector<std::string> paths;
    for (int page = 0; page < 100000; ++page) {  // bounded
        for (size_t p = r.body.find("<name>config.files.vmPathName</name>"); p != std::string::npos;
             p = r.body.find("<name>config.files.vmPathName</name>", p + 1))
            paths.push_back(text_of(r.body, "<val", p));
        const std::string token = text_of(r.body, "<token");
        if (token.empty()) break;
        r = s.call("<ContinueRetrievePropertiesEx xmlns=\"urn:vim25\">" + this_("PropertyCollector", s.pc) +
                       "<token>" + token + "</token></ContinueRetrievePropertiesEx>", "ContinueRetrievePropertiesEx");
    }
    s.call("<DestroyView xmlns=\"urn:vim25\">" + this_("ContainerView", view) + "</DestroyView>", "DestroyView");
    return paths.size();
}

long vmhwm_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.compare(0, 6, "VmHWM:") == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: %s URL USER PASSWORD cycle VMXPATH N | find N\n", argv[0]);
        return 2;
    }
    try {
        Session s;
        s.u = parse_url(argv[1]);
        const std::string mode = argv[4];
        const bool snaps = mode == "snapcycle";
        const bool cycle = mode == "cycle" || snaps;
        if (cycle && argc < 7) throw std::runtime_error("cycle needs VMXPATH N");
        const long n = std::strtol(argv[cycle ? 6 : 5], nullptr, 10);
        if (n <= 0) throw std::runtime_error("N must be > 0");
        g_ctx = SSL_CTX_new(TLS_client_method());
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(s.u.host.c_str(), s.u.port.c_str(), &hints, &g_addr) != 0)
            throw std::runtime_error("cannot resolve " + s.u.host);
        connect(s, argv[2], argv[3]);
        const long rss0 = vmrss_kb();
        std::vector<double> lat;
        size_t items = 0;
        // The first listing is timed and measured for memory too: its peak is
        // the answer's cost. A cycle has one untimed warm-up.
        // A snapshot cycle works on a VM found once, as a lab script does.
        const std::string snap_vm = snaps ? find_vm(s, argv[5]) : std::string();
        const auto one = [&] {
            if (snaps) snap_cycle(s, snap_vm);
            else if (cycle) vm_cycle(s, argv[5]);
            else items = list_vms(s);
        };
        if (cycle) one();
        double c0 = cpu_ms(), w0 = now_ms();
        for (long i = 0; i < n; i++) {
            double t = now_ms();
            one();
            lat.push_back(now_ms() - t);
        }
        double wall = now_ms() - w0, cpu = cpu_ms() - c0;
        std::printf("RESULT client=floor mode=%s n=%ld median_ms=%.3f p95_ms=%.3f wall_s=%.3f cpu_ms_per_cycle=%.3f "
                    "items=%zu peak_growth_kb=%ld\n",
                    snaps ? "snapcycle" : cycle ? "vmcycle" : "find", n, median(lat), pct(lat, 95), wall / 1e3, cpu / n, items,
                    vmhwm_kb() - rss0);
        logout(s.c, s.u);
        close_conn(s.c);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "floor_vm: %s\n", e.what());
        return 1;
    }
    return 0;
}
