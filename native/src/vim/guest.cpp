// GuestOperationsManager: the managers, credentials and processes.
#include "vix/vim/guest.h"

#include <tinyxml2.h>

#include <cstdlib>

#include "guest_call.h"
#include "vix/vim/properties.h"

namespace vix {

using tinyxml2::XMLElement;

GuestManagers guest_managers(Session& s, const Deadline& dl) {
    const std::string& gom = s.content().guest_operations;
    if (gom.empty())
        throw Error(VIX_E_NOT_SUPPORTED, "the server has no GuestOperationsManager (vSphere 5.0 or newer needed)");
    GuestManagers m;
    retrieve_object(s, "GuestOperationsManager", gom, {"authManager", "fileManager", "processManager"}, dl,
                    [&](const ObjectProps& o) {
                        m.auth = o.text("authManager");
                        m.file = o.text("fileManager");
                        m.process = o.text("processManager");
                    });
    if (m.auth.empty() || m.file.empty() || m.process.empty())
        throw Error(VIX_E_NOT_SUPPORTED, "the server's GuestOperationsManager lacks a manager");
    return m;
}

void validate_credentials(const GuestTarget& t, const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "ValidateCredentialsInGuest", "GuestAuthManager", t.m.auth);
    guest_prologue(b, t).finish();
    guest_call(t, "ValidateCredentialsInGuest", req, dl);
}

std::int64_t start_program(const GuestTarget& t, std::string_view program, std::string_view args,
                           const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "StartProgramInGuest", "GuestProcessManager", t.m.process);
    guest_prologue(b, t)
        .open("spec", "GuestProgramSpec")
        .text("programPath", program)
        .text("arguments", args)
        .close("spec")
        .finish();
    const Reply r = guest_call(t, "StartProgramInGuest", req, dl);
    const char* text = r.returnval() ? r.returnval()->GetText() : nullptr;
    char* end = nullptr;
    const long long pid = text ? std::strtoll(text, &end, 10) : 0;
    if (!text || end == text || *end) throw Error(VIX_E_INVALID_XML, "StartProgramInGuest: the answer has no pid");
    return pid;
}

static std::int64_t number(const XMLElement* parent, std::string_view name) {
    return std::strtoll(child_text(parent, name).c_str(), nullptr, 10);
}

std::vector<GuestProcess> list_processes(const GuestTarget& t, const std::vector<std::int64_t>& pids,
                                         const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "ListProcessesInGuest", "GuestProcessManager", t.m.process);
    guest_prologue(b, t);
    for (std::int64_t pid : pids) b.text("pids", std::to_string(pid));
    b.finish();
    const Reply r = guest_call(t, "ListProcessesInGuest", req, dl);
    std::vector<GuestProcess> out;
    each_returnval(r, [&](const XMLElement* e) {
        GuestProcess p;
        p.name = child_text(e, "name");
        p.pid = number(e, "pid");
        p.owner = child_text(e, "owner");
        p.cmd_line = child_text(e, "cmdLine");
        parse_xsd_datetime(child_text(e, "startTime"), p.start_ms);
        const std::string end = child_text(e, "endTime");
        p.ended = !end.empty() && parse_xsd_datetime(end, p.end_ms);
        p.exit_code = number(e, "exitCode");
        out.push_back(std::move(p));
    });
    return out;
}

void terminate_process(const GuestTarget& t, std::int64_t pid, const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "TerminateProcessInGuest", "GuestProcessManager", t.m.process);
    guest_prologue(b, t).text("pid", std::to_string(pid)).finish();
    guest_call(t, "TerminateProcessInGuest", req, dl);
}

std::string read_environment_variable(const GuestTarget& t, std::string_view name, const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "ReadEnvironmentVariableInGuest", "GuestProcessManager", t.m.process);
    guest_prologue(b, t).text("names", name).finish();
    const Reply r = guest_call(t, "ReadEnvironmentVariableInGuest", req, dl);
    std::string value;
    // "NAME=value" strings; the last one of that name wins.
    each_returnval(r, [&](const XMLElement* e) {
        const char* text = e->GetText();
        const std::string_view kv = text ? text : "";
        if (kv.size() > name.size() && kv.substr(0, name.size()) == name && kv[name.size()] == '=')
            value.assign(kv.substr(name.size() + 1));
    });
    return value;
}

// Days from 1970-01-01 to a civil date (proleptic Gregorian): no time zone
// database, no mktime (which would use the local zone).
static std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool parse_xsd_datetime(std::string_view s, std::int64_t& epoch_ms) {
    // YYYY-MM-DDThh:mm:ss[.fff...][Z|(+|-)hh:mm]
    std::size_t i = 0;
    const auto digits = [&](std::size_t n, int& out) {
        if (i + n > s.size()) return false;
        out = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const char c = s[i + k];
            if (c < '0' || c > '9') return false;
            out = out * 10 + (c - '0');
        }
        i += n;
        return true;
    };
    const auto lit = [&](char c) { return i < s.size() && s[i] == c ? (++i, true) : false; };
    int y, mo, d, h, mi, sec;
    if (!digits(4, y) || !lit('-') || !digits(2, mo) || !lit('-') || !digits(2, d) || !lit('T') || !digits(2, h) ||
        !lit(':') || !digits(2, mi) || !lit(':') || !digits(2, sec))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60) return false;
    int ms = 0;
    if (lit('.')) {
        int scale = 100;
        bool any = false;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            ms += (s[i] - '0') * scale;
            scale /= 10;
            ++i;
            any = true;
        }
        if (!any) return false;
    }
    int offset_min = 0;
    if (lit('Z')) {
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        const int sign = s[i] == '-' ? -1 : 1;
        ++i;
        int oh, om;
        if (!digits(2, oh) || !lit(':') || !digits(2, om)) return false;
        offset_min = sign * (oh * 60 + om);
    }
    if (i != s.size()) return false;
    const std::int64_t secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                              h * 3600 + mi * 60 + sec - offset_min * 60;
    epoch_ms = secs * 1000 + ms;
    return true;
}

}  // namespace vix
