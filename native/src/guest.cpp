// Guest operations (SPEC-VM 14): tools, login, programs and processes.
// Files are in guest_fs.cpp, the environment read in guest_env.cpp.
#include "vix/guest.h"

#include <tinyxml2.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "guest_ops.h"
#include "vix/vim/properties.h"
#include "vix/vim/tasks.h"

namespace vix {

std::shared_ptr<VmObject> guest_vm(int handle) {
    std::shared_ptr<VmObject> vm = vm_arg(handle);
    if (vm->deleted) throw Error(VIX_E_VM_NOT_FOUND, vm->path + " was deleted");
    return vm;
}

std::shared_ptr<const GuestManagers> managers_of(HostSession& h) {
    {
        std::lock_guard<std::mutex> lk(h.guest_mu);
        if (h.guest_managers) return h.guest_managers;
    }
    // Looked up outside the lock: two first calls at once both ask, harmlessly.
    auto m = std::make_shared<const GuestManagers>(guest_managers(*h.session, request_deadline(h)));
    std::lock_guard<std::mutex> lk(h.guest_mu);
    if (!h.guest_managers) h.guest_managers = std::move(m);
    return h.guest_managers;
}

GuestContext::GuestContext(VmObject& vm, const char* op) : vm_(vm), host_(vm.host), op_(op) {
    std::lock_guard<std::mutex> lk(vm_.guest_mu);
    if (!vm_.logged_in)
        throw Error(VIX_E_GUEST_USER_PERMISSIONS,
                    std::string(op) + " " + vm_.path + ": not logged in to the guest (call VMLoginInGuest first)");
    user_ = vm_.guest_user;
    password_ = vm_.guest_password;
    interactive_ = vm_.interactive;
}

GuestTarget GuestContext::target() const {
    if (!managers_) managers_ = managers_of(*host_);
    return {*host_->session, *managers_, vm_.moref, user_.view(), password_.view(), interactive_};
}

void interruptible_sleep(long ms, const char* what) {
    const InterruptCheck interrupted = interrupt_check();
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
        if (interrupted && interrupted()) throw Error(VIX_E_CANCELLED, std::string(what) + ": interrupted by a signal");
        const auto now = std::chrono::steady_clock::now();
        if (now >= until) return;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now,
                                                                                   std::chrono::milliseconds(50)));
    }
}

Status vm_wait_for_tools(int vm_handle, const IntArg& timeout_seconds) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::int64_t secs = int_arg(timeout_seconds, "timeoutInSeconds");
        const HostSession& h = *vm->host;
        on_vm("VMWaitForToolsInGuest", vm->path, [&] {
            TaskWait w;
            // 0 or negative: no bound of its own (a signal still stops it).
            if (secs > 0) w.overall = std::chrono::seconds(std::min<std::int64_t>(secs, 1 << 24));
            w.interrupted = interrupt_check();
            w.what = "waiting for VMware Tools";
            w.timeout_code = VIX_E_TIMEOUT_WAITING_FOR_TOOLS;
            w.timeout_text = "not running after " + std::to_string(secs) + " s";
            std::string power, tools;
            watch(
                *h.session, "VirtualMachine", vm->moref, {"runtime.powerState", "guest.toolsRunningStatus"}, w,
                [&](std::string_view path, const tinyxml2::XMLElement* val) {
                    const char* t = val ? val->GetText() : nullptr;
                    (path == "runtime.powerState" ? power : tools) = t ? t : "";
                },
                [&] { return power != "poweredOn" || tools == "guestToolsRunning"; });
            if (power != "poweredOn") throw Error(VIX_E_VM_NOT_RUNNING, "the VM is " + power);
        });
    });
}

Status vm_login_in_guest(int vm_handle, const StrArg& user, const StrArg& password, const IntArg& options) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::string u = required_string(user, "userName");
        check_string(password, "password");
        if (password.kind != StrArg::Bytes) invalid_arg("password is required (it may be empty)");
        const bool interactive =
            options_arg(options, VIX_LOGIN_IN_GUEST_REQUIRE_INTERACTIVE_ENVIRONMENT) != 0;
        vm->logout_guest();  // a failed login leaves the handle logged out
        Secret pw(password.bytes);
        HostSession& h = *vm->host;
        on_vm("VMLoginInGuest", vm->path, [&] {
            std::shared_ptr<const GuestManagers> m = managers_of(h);
            validate_credentials(GuestTarget{*h.session, *m, vm->moref, u, pw.view(), interactive},
                                 request_deadline(h));
        });
        std::lock_guard<std::mutex> lk(vm->guest_mu);
        vm->guest_user = Secret(u);
        vm->guest_password = pw;
        vm->interactive = interactive;
        vm->logged_in = true;
    });
}

Status vm_logout_from_guest(int vm_handle) noexcept {
    return guarded([&] { guest_vm(vm_handle)->logout_guest(); });
}

namespace {

constexpr std::int64_t kRunOptions = VIX_RUNPROGRAM_RETURN_IMMEDIATELY | VIX_RUNPROGRAM_ACTIVATE_WINDOW;

// Polls ListProcessesInGuest for `pid` until it has ended: 50 ms, doubling
// to 1 s. The exit code is a result, never a failure.
void wait_for_exit(const GuestContext& c, std::int64_t pid, RunResult& out) {
    const auto start = std::chrono::steady_clock::now();
    const std::chrono::milliseconds bound = c.host().operation_timeout;
    long delay = 50;
    for (;;) {
        interruptible_sleep(delay, "waiting for the guest program");
        std::vector<GuestProcess> ps = list_processes(c.target(), {pid}, c.deadline());
        auto it = std::find_if(ps.begin(), ps.end(), [&](const GuestProcess& p) { return p.pid == pid; });
        if (it == ps.end())
            throw Error(VIX_E_NO_SUCH_PROCESS,
                        "the guest no longer lists process " + std::to_string(pid) + ": its exit code is lost");
        if (it->ended) {
            out.finished = true;
            out.exit_code = it->exit_code;
            out.elapsed_seconds = std::max<std::int64_t>(0, (it->end_ms - it->start_ms) / 1000);
            return;
        }
        if (bound.count() > 0 && std::chrono::steady_clock::now() - start >= bound)
            throw Error(VIX_E_NET_HTTP_OPERATION_TIMEDOUT, "process " + std::to_string(pid) +
                                                               " still runs after vix.operationTimeoutSeconds");
        delay = std::min(delay * 2, 1000L);
    }
}

}  // namespace

// Starts the program and, unless told to return at once, waits for its end.
void run_in_guest(const GuestContext& c, const std::string& program, const std::string& args, bool wait,
                  RunResult& out) {
    out.pid = start_program(c.target(), program, args, c.deadline());
    if (wait) wait_for_exit(c, out.pid, out);
}

Status vm_run_program(int vm_handle, const StrArg& program, const StrArg& args, const IntArg& options,
                      const IntArg& property_list, RunResult& out) noexcept {
    out = RunResult{};
    return guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::string prog = required_string(program, "guestProgramName");
        const std::string arguments = optional_string(args, "commandLineArgs");
        const std::int64_t o = options_arg(options, kRunOptions);
        no_handle_arg(property_list);
        const GuestContext c(*vm, "VMRunProgramInGuest");
        on_vm(c.op(), vm->path, [&] {
            run_in_guest(c, prog, arguments, !(o & VIX_RUNPROGRAM_RETURN_IMMEDIATELY), out);
        });
    });
}

Status vm_list_processes(int vm_handle, const IntArg& options, std::vector<ProcessEntry>& out) noexcept {
    out.clear();
    Status st = guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        options_arg(options, 0);
        const GuestContext c(*vm, "VMListProcessesInGuest");
        on_vm(c.op(), vm->path, [&] {
            for (GuestProcess& p : list_processes(c.target(), {}, c.deadline())) {
                if (p.ended) continue;  // vSphere keeps ended programs listed for a while
                ProcessEntry e;
                e.name = std::move(p.name);
                e.owner = std::move(p.owner);
                e.command = std::move(p.cmd_line);
                e.pid = p.pid;
                e.start_time = p.start_ms / 1000;
                out.push_back(std::move(e));
            }
        });
    });
    if (!st.ok()) out.clear();
    return st;
}

Status vm_kill_process(int vm_handle, const IntArg& pid, const IntArg& options) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::int64_t p = int_arg(pid, "pid", false);
        if (p <= 0) invalid_arg("pid must be a positive process id");
        options_arg(options, 0);
        const GuestContext c(*vm, "VMKillProcessInGuest");
        on_vm(c.op(), vm->path, [&] { terminate_process(c.target(), p, c.deadline()); });
    });
}


}  // namespace vix
