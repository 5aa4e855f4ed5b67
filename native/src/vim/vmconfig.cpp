#include "vix/vim/vmconfig.h"

#include <tinyxml2.h>

#include <strings.h>

#include "vix/errors.h"
#include "vix/vim/properties.h"
#include "vix/vim/tasks.h"

namespace vix {

using tinyxml2::XMLElement;

VmConfig read_vm_config(Session& s, const std::string& vm, const Deadline& dl) {
    VmConfig c;
    retrieve_object(s, "VirtualMachine", vm,
                    {"config.extraConfig", "config.name", "config.guestId", "config.hardware.memoryMB",
                     "config.hardware.numCPU", "guest.ipAddress"},
                    dl, [&](const ObjectProps& o) {
                        c.guest_ip = o.text("guest.ipAddress");
                        c.name = o.text("config.name");
                        c.guest_id = o.text("config.guestId");
                        c.memory_mb = o.text("config.hardware.memoryMB");
                        c.num_cpu = o.text("config.hardware.numCPU");
                        const XMLElement* list = o.get("config.extraConfig");
                        for (const XMLElement* e = list ? list->FirstChildElement() : nullptr; e;
                             e = e->NextSiblingElement())
                            c.extra.emplace_back(child_text(e, "key"), child_text(e, "value"));
                    });
    return c;
}

bool extra_config_value(const VmConfig& c, std::string_view key, std::string& value) {
    bool found = false;
    for (const auto& [k, v] : c.extra)
        if (k.size() == key.size() && strncasecmp(k.data(), key.data(), k.size()) == 0) {
            value = v;  // the last one wins
            found = true;
        }
    return found;
}

std::string start_set_extra_config(Session& s, const std::string& vm, std::string_view key, std::string_view value,
                                   const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "ReconfigVM_Task", "VirtualMachine", vm);
    b.open("spec").open("extraConfig", "OptionValue").text("key", key).typed("value", "xsd:string", value);
    b.close("extraConfig").close("spec").finish();
    return task_of(s.call("ReconfigVM_Task", req, dl), "ReconfigVM_Task");
}

std::string VmPlacement::datastore(std::string_view name) const {
    for (const auto& [n, moref] : datastores)
        if (n == name) return moref;
    return {};
}

VmPlacement vm_placement(Session& s, const std::string& vm, const Deadline& dl) {
    VmPlacement p;
    std::string host;
    retrieve_object(s, "VirtualMachine", vm, {"parent", "resourcePool", "runtime.host"}, dl,
                    [&](const ObjectProps& o) {
                        p.folder = o.text("parent");
                        p.pool = o.text("resourcePool");
                        host = o.text("runtime.host");
                    });
    if (host.empty()) return p;
    retrieve(
        s,
        [&](RequestBuilder& b) {
            b.open("propSet").text("type", "Datastore").text("pathSet", "name").close("propSet");
            b.open("objectSet").moref("obj", "HostSystem", host).text("skip", "true");
            b.open("selectSet", "TraversalSpec")
                .text("name", "datastores")
                .text("type", "HostSystem")
                .text("path", "datastore")
                .text("skip", "false")
                .close("selectSet");
            b.close("objectSet");
        },
        dl,
        [&](const ObjectProps& o) {
            if (o.type == "Datastore") p.datastores.emplace_back(o.text("name"), std::string(o.moref));
        });
    return p;
}

std::string start_clone_vm(Session& s, const std::string& vm, const CloneRequest& r, const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "CloneVM_Task", "VirtualMachine", vm);
    b.moref("folder", "Folder", r.folder).text("name", r.name);
    // Elements in the order of the vim25 schema.
    b.open("spec").open("location");
    if (!r.datastore.empty()) b.moref("datastore", "Datastore", r.datastore);
    if (r.linked) b.text("diskMoveType", "createNewChildDiskBacking");
    if (!r.pool.empty()) b.moref("pool", "ResourcePool", r.pool);
    b.close("location").text("template", "false").text("powerOn", "false");
    if (!r.snapshot.empty()) b.moref("snapshot", "VirtualMachineSnapshot", r.snapshot);
    b.close("spec").finish();
    return task_of(s.call("CloneVM_Task", req, dl), "CloneVM_Task");
}

std::string vm_path_name(Session& s, const std::string& vm, const Deadline& dl) {
    std::string path;
    retrieve_object(s, "VirtualMachine", vm, {"config.files.vmPathName"}, dl,
                    [&](const ObjectProps& o) { path = o.text("config.files.vmPathName"); });
    return path;
}

std::string start_upgrade_vm(Session& s, const std::string& vm, const Deadline& dl) {
    Secret req;
    RequestBuilder(req, "UpgradeVM_Task", "VirtualMachine", vm).finish();
    return task_of(s.call("UpgradeVM_Task", req, dl), "UpgradeVM_Task");
}

void mount_tools_installer(Session& s, const std::string& vm, const Deadline& dl) {
    Secret req;
    RequestBuilder(req, "MountToolsInstaller", "VirtualMachine", vm).finish();
    s.call("MountToolsInstaller", req, dl);
}

std::string start_upgrade_tools(Session& s, const std::string& vm, std::string_view installer_options,
                                const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "UpgradeTools_Task", "VirtualMachine", vm);
    if (!installer_options.empty()) b.text("installerOptions", installer_options);
    b.finish();
    return task_of(s.call("UpgradeTools_Task", req, dl), "UpgradeTools_Task");
}

std::string start_create_screenshot(Session& s, const std::string& vm, const Deadline& dl) {
    Secret req;
    RequestBuilder(req, "CreateScreenshot_Task", "VirtualMachine", vm).finish();
    return task_of(s.call("CreateScreenshot_Task", req, dl), "CreateScreenshot_Task");
}

}  // namespace vix
