// Waiting for a vSphere task (SPEC-VM 11): PropertyCollector.WaitForUpdatesEx
// on the task's info.state, never sleeps. Each wait has a collector of its
// own, so that waits from several threads on one session do not see each
// other's updates.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vix/errors.h"
#include "vix/soap.h"
#include "vix/vim/session.h"

namespace vix {

struct TaskWait {
    // vix.operationTimeoutSeconds: 0 means the task may take as long as it
    // takes (a signal still stops the wait).
    std::chrono::milliseconds overall{0};
    InterruptCheck interrupted = nullptr;
    // For details: what the task does, e.g. "PowerOnVM_Task on [ds] a/a.vmx".
    std::string what;
    // The code when `overall` passes.
    std::int64_t timeout_code = VIX_E_NET_HTTP_OPERATION_TIMEDOUT;
    std::string timeout_text = "not finished within vix.operationTimeoutSeconds; the task goes on at the server";
};

// A property change: its path and new <val> (nullptr when it was removed).
using ChangeHandler = std::function<void(std::string_view path, const tinyxml2::XMLElement* val)>;

// Hands every changeSet of an UpdateSet element to the handler. Exposed for
// tests and the fuzzer.
void apply_updates(const tinyxml2::XMLElement* update_set, const ChangeHandler& on_change);

// Watches properties of one object with WaitForUpdatesEx (the first answer
// is their current values) until `done()` is true after an update.
void watch(Session& s, std::string_view type, std::string_view moref, const std::vector<std::string_view>& paths,
           const TaskWait& w, const ChangeHandler& on_change, const std::function<bool()>& done);

// The moref a *_Task method returned.
std::string task_of(const Reply& reply, std::string_view method);

// Waits until the task ends. On success returns info.result as text (a
// moref value, a path, or "" when the task has none). On error throws the
// task's fault through the fault table; `fault` (when given) receives it,
// so that a caller can refine rows that depend on its own knowledge.
std::string wait_for_task(Session& s, std::string_view task, const TaskWait& w, Fault* fault = nullptr);

// Longest single WaitForUpdatesEx: a dead server is noticed within this.
inline constexpr int kMaxWaitSeconds = 30;

}  // namespace vix
