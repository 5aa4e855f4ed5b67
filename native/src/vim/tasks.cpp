#include "vix/vim/tasks.h"

#include <tinyxml2.h>

#include <algorithm>

#include "vix/errors.h"

namespace vix {

using tinyxml2::XMLElement;

std::string task_of(const Reply& reply, std::string_view method) {
    const char* t = reply.returnval() ? reply.returnval()->GetText() : nullptr;
    if (!t || !*t) throw Error(VIX_E_INVALID_XML, std::string(method) + ": the answer names no task");
    return t;
}

void apply_updates(const XMLElement* update_set, const ChangeHandler& on_change) {
    for (const XMLElement* fs = update_set->FirstChildElement(); fs; fs = fs->NextSiblingElement()) {
        if (local_name(fs->Name()) != "filterSet") continue;
        for (const XMLElement* os = fs->FirstChildElement(); os; os = os->NextSiblingElement()) {
            if (local_name(os->Name()) != "objectSet") continue;
            for (const XMLElement* cs = os->FirstChildElement(); cs; cs = cs->NextSiblingElement()) {
                if (local_name(cs->Name()) != "changeSet") continue;
                const std::string name = child_text(cs, "name");
                on_change(name, child_text(cs, "op") == "remove" ? nullptr : child(cs, "val"));
            }
        }
    }
}

namespace {

std::string collector_of(const Reply& reply, std::string_view method) {
    const char* t = reply.returnval() ? reply.returnval()->GetText() : nullptr;
    if (!t || !*t) throw Error(VIX_E_INVALID_XML, std::string(method) + ": the answer names no object");
    return t;
}

// Best effort: a collector left behind ends with the session.
void destroy_collector(Session& s, const std::string& pc, InterruptCheck interrupted) noexcept {
    try {
        Secret req;
        RequestBuilder(req, "DestroyPropertyCollector", "PropertyCollector", pc).finish();
        s.call("DestroyPropertyCollector", req, s.request_deadline(interrupted));
    } catch (...) {
    }
}

}  // namespace

void watch(Session& s, std::string_view type, std::string_view moref, const std::vector<std::string_view>& paths,
           const TaskWait& w, const ChangeHandler& on_change, const std::function<bool()>& done) {
    const auto start = std::chrono::steady_clock::now();
    const Deadline setup = s.request_deadline(w.interrupted);
    const auto create_filter = [&](const std::string& pc) {
        Secret req;
        RequestBuilder b(req, "CreateFilter", "PropertyCollector", pc);
        b.open("spec").open("propSet").text("type", type);
        for (std::string_view p : paths) b.text("pathSet", p);
        b.close("propSet").open("objectSet").moref("obj", type, moref).text("skip", "false").close("objectSet");
        b.close("spec").text("partialUpdates", "false").finish();
        return collector_of(s.call("CreateFilter", req, setup), "CreateFilter");
    };
    // A reused collector may be gone (the session was logged in again):
    // then a new one.
    std::string pc = s.take_collector();
    std::string filter;
    if (!pc.empty()) {
        try {
            filter = create_filter(pc);
        } catch (const Error& e) {
            if (e.code() == VIX_E_CANCELLED) throw;
            pc.clear();
        }
    }
    if (pc.empty()) {
        Secret req;
        RequestBuilder(req, "CreatePropertyCollector", "PropertyCollector", s.content().property_collector).finish();
        pc = collector_of(s.call("CreatePropertyCollector", req, setup), "CreatePropertyCollector");
        try {
            filter = create_filter(pc);
        } catch (const Error& e) {
            if (e.code() != VIX_E_CANCELLED) destroy_collector(s, pc, w.interrupted);
            throw;
        }
    }
    try {
        std::string version;
        // Bounded: each round is a long poll of at most kMaxWaitSeconds, and
        // the loop ends at the overall bound, a signal, or when done.
        for (bool first = true; first || !done(); first = false) {
            long long cap_s = kMaxWaitSeconds;
            if (w.overall.count() > 0) {
                const auto used =
                    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
                const auto remaining = w.overall - used;
                if (remaining.count() <= 0) throw Error(w.timeout_code, w.what + ": " + w.timeout_text);
                cap_s = std::clamp<long long>((remaining.count() + 999) / 1000, 1, kMaxWaitSeconds);
            }
            if (w.interrupted && w.interrupted())
                throw Error(VIX_E_CANCELLED, w.what + ": interrupted by a signal");
            Secret req;
            RequestBuilder b(req, "WaitForUpdatesEx", "PropertyCollector", pc);
            b.text("version", version).open("options").text("maxWaitSeconds", std::to_string(cap_s)).close("options");
            b.finish();
            const Deadline poll(std::chrono::seconds(cap_s) + s.request_timeout(), w.interrupted);
            Reply reply = s.call("WaitForUpdatesEx", req, poll);
            const XMLElement* set = reply.returnval();
            if (!set) {  // maxWaitSeconds passed without a change
                if (first) throw Error(VIX_E_INVALID_XML, "WaitForUpdatesEx: no initial values for " + w.what);
                continue;
            }
            const std::string next = child_text(set, "version");
            if (next.empty()) throw Error(VIX_E_INVALID_XML, "WaitForUpdatesEx: an update without a version");
            version = next;
            apply_updates(set, on_change);
        }
    } catch (const Error& e) {
        // After a signal the caller wants out now, not after one more request.
        if (e.code() != VIX_E_CANCELLED) destroy_collector(s, pc, w.interrupted);
        throw;
    }
    // The collector goes back without its filter; if that fails, it is
    // dropped (it ends with the session).
    try {
        Secret req;
        RequestBuilder(req, "DestroyPropertyFilter", "PropertyFilter", filter).finish();
        s.call("DestroyPropertyFilter", req, s.request_deadline(w.interrupted));
        s.give_collector(std::move(pc));
    } catch (const Error&) {
    }
}

std::string wait_for_task(Session& s, std::string_view task, const TaskWait& w, Fault* fault_out) {
    std::string state, result;
    Fault fault;
    const auto on_change = [&](std::string_view name, const XMLElement* val) {
        const char* t = val ? val->GetText() : nullptr;
        if (name == "info.state") {
            state = t ? t : "";
        } else if (name == "info.result") {
            result = t ? t : "";
        } else if (name == "info.error" && val) {
            fault = fault_from_element(child(val, "fault"), child_text(val, "localizedMessage"));
        }
    };
    const auto ended = [&] { return state == "success" || state == "error"; };
    // Even a task that has ended already is read through the filter (SPEC-VM
    // 11): the first WaitForUpdatesEx answers at once with its state.
    watch(s, "Task", task, {"info.state", "info.error", "info.result"}, w, on_change, ended);
    if (state == "error") {
        if (fault.type.empty()) fault.type = "UnknownFault";
        if (fault_out) *fault_out = fault;
        throw Error(fault_to_code(fault.type, fault.existing_state, fault.object_type),
                    s.redact(w.what + ": " + fault.type + (fault.message.empty() ? "" : ": " + fault.message)));
    }
    return result;
}

}  // namespace vix
