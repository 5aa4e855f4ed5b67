#include "vix/vim/power.h"

#include <tinyxml2.h>

#include "vix/vim/properties.h"

namespace vix {

VmRuntime vm_runtime(Session& s, const std::string& vm, const Deadline& dl) {
    VmRuntime r;
    retrieve_object(s, "VirtualMachine", vm,
                    {"runtime.powerState", "runtime.question", "guest.toolsRunningStatus", "guest.toolsStatus"}, dl,
                    [&](const ObjectProps& o) {
                        r.power_state = o.text("runtime.powerState");
                        r.question = o.has("runtime.question");
                        r.tools_running = o.text("guest.toolsRunningStatus");
                        r.tools_status = o.text("guest.toolsStatus");
                    });
    return r;
}

std::string start_vm_task(Session& s, const std::string& vm, std::string_view method, const Deadline& dl) {
    Secret req;
    RequestBuilder(req, method, "VirtualMachine", vm).finish();
    return task_of(s.call(method, req, dl), method);
}

void guest_power_request(Session& s, const std::string& vm, std::string_view method, const Deadline& dl) {
    Secret req;
    RequestBuilder(req, method, "VirtualMachine", vm).finish();
    s.call(method, req, dl);
}

void wait_for_power_state(Session& s, const std::string& vm, std::string_view state, const TaskWait& w) {
    std::string now;
    watch(
        s, "VirtualMachine", vm, {"runtime.powerState"}, w,
        [&](std::string_view, const tinyxml2::XMLElement* val) {
            const char* t = val ? val->GetText() : nullptr;
            now = t ? t : "";
        },
        [&] { return now == state; });
}

}  // namespace vix
