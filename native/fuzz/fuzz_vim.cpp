// libFuzzer target: the VM layer's parsers: RetrievePropertiesEx results
// (objects, property sets, paging token), WaitForUpdatesEx update sets
// (task state, result and error), faults inside a task's error, and
// datastore paths.
#include <tinyxml2.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vix/errors.h"
#include "vix/soap.h"
#include "vix/vim/inventory.h"
#include "vix/vim/properties.h"
#include "vix/vim/tasks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    vix::DatastorePath dp;
    if (vix::parse_datastore_path(in, dp)) {
        // A parsed path round-trips through its canonical form.
        vix::DatastorePath again;
        if (!vix::parse_datastore_path(dp.canonical(), again) || again.datastore != dp.datastore ||
            again.rest != dp.rest)
            __builtin_trap();
    }
    // The splitter cuts objects out of a body in place; what is left parses
    // (or fails) like any answer, and never grows.
    try {
        vix::WipedString body(in.data(), in.size());
        std::size_t n = 0;
        vix::split_objects(body, [&](const vix::ObjectProps& o) { n += o.props.size(); });
        if (body.size() > in.size()) __builtin_trap();
        (void)vix::Reply::parse(std::string_view(body.data(), body.size()), "RetrievePropertiesEx");
    } catch (const vix::Error& e) {
        if (e.code() != vix::VIX_E_INVALID_XML) __builtin_trap();
    }
    for (const char* method : {"RetrievePropertiesEx", "WaitForUpdatesEx"}) {
        try {
            vix::Reply r = vix::Reply::parse(in, method);
            if (r.is_fault()) {
                (void)vix::fault_to_code(r.fault().type, r.fault().existing_state, r.fault().object_type);
                continue;
            }
            const tinyxml2::XMLElement* rv = r.returnval();
            if (!rv) continue;
            std::size_t n = 0;
            (void)vix::each_object(rv, [&](const vix::ObjectProps& o) {
                n += o.props.size();
                (void)o.text("runtime.powerState");
                (void)vix::moref_list(o.get("datastore"));
            });
            vix::apply_updates(rv, [&](std::string_view name, const tinyxml2::XMLElement* val) {
                if (name == "info.error" && val) {
                    const vix::Fault f = vix::fault_from_element(vix::child(val, "fault"), "m");
                    (void)vix::fault_to_code(f.type, f.existing_state, f.object_type);
                }
            });
        } catch (const vix::Error& e) {
            if (e.code() != vix::VIX_E_INVALID_XML) __builtin_trap();
        }
    }
    return 0;
}
