// floor_vm: the minimal wire work of the VM operations benchmarked by
// bench/vm-run, as a lower bound for the other clients.
//
//   floor_vm URL USER PASSWORD cycle VMXPATH N   -> N timed VM cycles
//   floor_vm URL USER PASSWORD snapcycle VMXPATH N -> N snapshot create/revert/remove cycles
//   floor_vm URL USER PASSWORD find N            -> N timed registered-VM listings
//   floor_vm URL USER PASSWORD guestcopy VMXPATH LOCALFILE N -> N copies into the guest and back
//   floor_vm URL USER PASSWORD guestrun VMXPATH N  -> N run-program round trips (/bin/true)
//
// A VM cycle, on one logged-in session, does what the VIX semantics need:
// find the VM (datacenters, SearchIndex.FindByDatastorePath), read its power
// state, then power it on and off, each after checking the power state, each
// task waited for with a filter on a private PropertyCollector (one per
// session, reused) and WaitForUpdatesEx (never polling). A listing is a ContainerView of every
// VirtualMachine with config.files.vmPathName and runtime.powerState, paged
// with ContinueRetrievePropertiesEx, the paths pulled out of the XML by string
// search (no DOM).
//
// Guest operations (guest user "guest", password "guestpasswd", as
// bench/vm-run starts the simulator; the VM powered on with Tools running):
// a copy is InitiateFileTransferToGuest, a PUT with Content-Length streamed
// from the file in 64 KiB steps on a connection of its own, then
// InitiateFileTransferFromGuest and a GET streamed to another file, whose
// size is checked. A run is StartProgramInGuest(/bin/true), then
// ListProcessesInGuest(pids=[pid]) until the process has an endTime, after
// 50 ms, doubling to 1 s: the module's own backoff (native/src/guest.cpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <chrono>

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
    std::string pc, root, search, views, gom;
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
    s.gom = text_of(r.body, "<guestOperationsManager");
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

// --- guest operations ---

const char* kGuestUser = "guest";
const char* kGuestPassword = "guestpasswd";

std::string xml_unescape(const std::string& s) {
    std::string o;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            o += s[i];
            continue;
        }
        size_t semi = s.find(';', i);
        const std::string e = s.substr(i + 1, semi - i - 1);
        o += e == "amp" ? "&" : e == "lt" ? "<" : e == "gt" ? ">" : e == "quot" ? "\"" : e == "apos" ? "'" : "?";
        i = semi;
    }
    return o;
}

struct Guest {
    std::string vm, files, procs;
};

// The value of one property of an object (string search in the answer).
std::string prop_of(Session& s, const std::string& type, const std::string& obj, const std::string& path) {
    Response r = s.call("<RetrievePropertiesEx xmlns=\"urn:vim25\">" + this_("PropertyCollector", s.pc) +
                            "<specSet><propSet><type>" + type + "</type><pathSet>" + path + "</pathSet></propSet>"
                            "<objectSet><obj type=\"" + type + "\">" + obj + "</obj></objectSet></specSet>"
                            "<options></options></RetrievePropertiesEx>", "RetrievePropertiesEx");
    return text_of(r.body, "<val");
}

// Untimed set-up: the VM, Tools running, the managers, the credentials.
Guest guest_setup(Session& s, const std::string& path) {
    Guest g;
    g.vm = find_vm(s, path);
    for (int i = 0; prop_of(s, "VirtualMachine", g.vm, "guest.toolsRunningStatus") != "guestToolsRunning"; ++i) {
        if (i == 300) throw std::runtime_error("VMware Tools not running after 30 s");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    g.files = prop_of(s, "GuestOperationsManager", s.gom, "fileManager");
    g.procs = prop_of(s, "GuestOperationsManager", s.gom, "processManager");
    if (g.files.empty() || g.procs.empty()) throw std::runtime_error("no guest managers");
    return g;
}

// vm, then auth: the vim25 element order.
std::string guest_args(const Guest& g) {
    return "<vm type=\"VirtualMachine\">" + g.vm + "</vm><auth xsi:type=\"NamePasswordAuthentication\">"
           "<interactiveSession>false</interactiveSession><username>" + std::string(kGuestUser) +
           "</username><password>" + kGuestPassword + "</password></auth>";
}

// "https://*:port/path?query" -> "path?query" (the host is the one we are connected to).
std::string transfer_path(const std::string& url) {
    size_t p = url.find("://");
    p = p == std::string::npos ? std::string::npos : url.find('/', p + 3);
    if (p == std::string::npos) throw std::runtime_error("bad transfer URL: " + url);
    return url.substr(p);
}

// Reads the response head into c.inbuf; returns status and Content-Length.
void read_head(Conn& c, int& status, long& length) {
    size_t end;
    while ((end = c.inbuf.find("\r\n\r\n")) == std::string::npos) c.fill();
    const std::string head = c.inbuf.substr(0, end);
    c.inbuf.erase(0, end + 4);
    status = std::atoi(head.c_str() + 9);
    length = -1;
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    size_t p = lower.find("\r\ncontent-length:");
    if (p != std::string::npos) length = std::strtol(head.c_str() + p + 17, nullptr, 10);
}

struct File {
    int fd;
    File(const std::string& path, int flags) : fd(::open(path.c_str(), flags, 0644)) {
        if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    }
    ~File() { ::close(fd); }
};

void put_file(Session& s, const std::string& path, const std::string& local, long size) {
    Conn c;
    open_tls(c, nullptr);
    c.write_all("PUT " + path + " HTTP/1.1\r\nHost: " + s.u.hostport +
                "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(size) +
                "\r\nConnection: close\r\n\r\n");
    File f(local, O_RDONLY);
    std::vector<char> buf(64 * 1024);
    long done = 0;
    while (done < size) {
        ssize_t n = ::read(f.fd, buf.data(), buf.size());
        if (n <= 0) throw std::runtime_error("short read of " + local);
        int off = 0;
        while (off < n) {
            int w = SSL_write(c.ssl, buf.data() + off, (int)(n - off));
            if (w <= 0) throw std::runtime_error("SSL_write failed: " + ssl_err());
            off += w;
        }
        done += n;
    }
    int status;
    long length;
    read_head(c, status, length);
    if (status != 200) throw std::runtime_error("PUT: HTTP " + std::to_string(status));
    close_conn(c);
}

long get_file(Session& s, const std::string& path, const std::string& local) {
    Conn c;
    open_tls(c, nullptr);
    c.write_all("GET " + path + " HTTP/1.1\r\nHost: " + s.u.hostport + "\r\nConnection: close\r\n\r\n");
    int status;
    long length;
    read_head(c, status, length);
    if (status != 200) throw std::runtime_error("GET: HTTP " + std::to_string(status));
    if (length < 0) throw std::runtime_error("GET: no Content-Length");
    File f(local, O_WRONLY | O_CREAT | O_TRUNC);
    auto put = [&](const char* p, size_t n) {
        while (n > 0) {
            ssize_t w = ::write(f.fd, p, n);
            if (w <= 0) throw std::runtime_error("cannot write " + local);
            p += w;
            n -= (size_t)w;
        }
    };
    long done = (long)std::min<size_t>(c.inbuf.size(), (size_t)length);
    put(c.inbuf.data(), (size_t)done);
    std::vector<char> buf(64 * 1024);
    while (done < length) {
        int n = SSL_read(c.ssl, buf.data(), (int)std::min<long>((long)buf.size(), length - done));
        if (n <= 0) throw std::runtime_error("GET: connection closed after " + std::to_string(done) + " bytes");
        put(buf.data(), (size_t)n);
        done += n;
    }
    close_conn(c);
    return done;
}

void guest_copy(Session& s, const Guest& g, const std::string& local, const std::string& back, long size) {
    Response r = s.call("<InitiateFileTransferToGuest xmlns=\"urn:vim25\">" + this_("GuestFileManager", g.files) +
                            guest_args(g) + "<guestFilePath>/tmp/bench.bin</guestFilePath>"
                            "<fileAttributes xsi:type=\"GuestPosixFileAttributes\"></fileAttributes><fileSize>" +
                            std::to_string(size) + "</fileSize><overwrite>true</overwrite></InitiateFileTransferToGuest>",
                        "InitiateFileTransferToGuest");
    put_file(s, transfer_path(xml_unescape(text_of(r.body, "<returnval"))), local, size);
    r = s.call("<InitiateFileTransferFromGuest xmlns=\"urn:vim25\">" + this_("GuestFileManager", g.files) +
                   guest_args(g) + "<guestFilePath>/tmp/bench.bin</guestFilePath></InitiateFileTransferFromGuest>",
               "InitiateFileTransferFromGuest");
    const long announced = std::strtol(text_of(r.body, "<size").c_str(), nullptr, 10);
    const long got = get_file(s, transfer_path(xml_unescape(text_of(r.body, "<url"))), back);
    struct stat st;
    if (announced != size || got != size || ::stat(back.c_str(), &st) != 0 || st.st_size != size)
        throw std::runtime_error("the copy back has the wrong size");
}

void guest_run(Session& s, const Guest& g) {
    Response r = s.call("<StartProgramInGuest xmlns=\"urn:vim25\">" + this_("GuestProcessManager", g.procs) +
                            guest_args(g) + "<spec xsi:type=\"GuestProgramSpec\"><programPath>/bin/true</programPath>"
                            "<arguments></arguments></spec></StartProgramInGuest>", "StartProgramInGuest");
    const std::string pid = text_of(r.body, "<returnval");
    if (pid.empty()) throw std::runtime_error("StartProgramInGuest: no pid");
    long delay = 50;
    for (int i = 0; i < 1000; ++i) {  // bounded
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        r = s.call("<ListProcessesInGuest xmlns=\"urn:vim25\">" + this_("GuestProcessManager", g.procs) + guest_args(g) +
                       "<pids>" + pid + "</pids></ListProcessesInGuest>", "ListProcessesInGuest");
        if (r.body.find("<pid>" + pid + "</pid>") == std::string::npos) throw std::runtime_error("process gone");
        if (r.body.find("<endTime>") != std::string::npos) return;
        delay = std::min(delay * 2, 1000L);
    }
    throw std::runtime_error("/bin/true did not end");
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
        std::fprintf(stderr, "usage: %s URL USER PASSWORD cycle|snapcycle|guestrun VMXPATH N | guestcopy VMXPATH LOCALFILE N | find N\n", argv[0]);
        return 2;
    }
    try {
        Session s;
        s.u = parse_url(argv[1]);
        const std::string mode = argv[4];
        const bool snaps = mode == "snapcycle";
        const bool copy = mode == "guestcopy";
        const bool run = mode == "guestrun";
        const bool cycle = mode == "cycle" || snaps || copy || run;
        const int n_arg = copy ? 7 : cycle ? 6 : 5;
        if (argc <= n_arg) throw std::runtime_error(mode + ": too few arguments");
        const long n = std::strtol(argv[n_arg], nullptr, 10);
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
        // the answer's cost. A cycle or a guest run has one untimed warm-up;
        // a guest copy has none (the median takes care of the first).
        // A snapshot cycle works on a VM found once, as a lab script does.
        const std::string snap_vm = snaps ? find_vm(s, argv[5]) : std::string();
        Guest g;
        std::string local, back;
        long size = 0;
        if (copy || run) g = guest_setup(s, argv[5]);
        if (copy) {
            local = argv[6];
            back = local + ".floor";
            struct stat st;
            if (::stat(local.c_str(), &st) != 0) throw std::runtime_error("no file " + local);
            size = (long)st.st_size;
        }
        const auto one = [&] {
            if (snaps) snap_cycle(s, snap_vm);
            else if (copy) guest_copy(s, g, local, back, size);
            else if (run) guest_run(s, g);
            else if (cycle) vm_cycle(s, argv[5]);
            else items = list_vms(s);
        };
        if (cycle && !copy) one();
        double c0 = cpu_ms(), w0 = now_ms();
        for (long i = 0; i < n; i++) {
            double t = now_ms();
            one();
            lat.push_back(now_ms() - t);
        }
        double wall = now_ms() - w0, cpu = cpu_ms() - c0;
        const char* name = snaps ? "snapcycle" : copy ? "guestcopy" : run ? "guestrun" : cycle ? "vmcycle" : "find";
        std::string extra;
        if (copy) {
            char b[64];
            std::snprintf(b, sizeof b, " mb_per_s=%.1f", 2.0 * size / 1048576.0 / (median(lat) / 1e3));
            extra = b;
        }
        std::printf("RESULT client=floor mode=%s n=%ld median_ms=%.3f p95_ms=%.3f wall_s=%.3f cpu_ms_per_cycle=%.3f "
                    "items=%zu peak_growth_kb=%ld%s\n",
                    name, n, median(lat), pct(lat, 95), wall / 1e3, cpu / n, items, vmhwm_kb() - rss0, extra.c_str());
        if (copy) ::unlink(back.c_str());
        logout(s.c, s.u);
        close_conn(s.c);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "floor_vm: %s\n", e.what());
        return 1;
    }
    return 0;
}
