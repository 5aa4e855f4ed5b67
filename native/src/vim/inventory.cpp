#include "vix/vim/inventory.h"

#include <tinyxml2.h>

#include <map>

#include "vix/errors.h"
#include "vix/vim/properties.h"

namespace vix {

bool parse_datastore_path(std::string_view in, DatastorePath& out) {
    if (in.empty() || in.front() != '[') return false;
    const std::size_t close = in.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    out.datastore = std::string(in.substr(1, close - 1));
    std::string_view rest = in.substr(close + 1);
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    out.rest = std::string(rest);
    return true;
}

bool DatacenterInfo::holds(std::string_view datastore) const {
    for (const std::string& d : datastores)
        if (d == datastore) return true;
    return false;
}

static void traversal(RequestBuilder& b, std::string_view name, std::string_view type, std::string_view path,
                      std::initializer_list<std::string_view> next) {
    b.open("selectSet", "TraversalSpec").text("name", name).text("type", type).text("path", path).text("skip", "false");
    for (std::string_view n : next) b.open("selectSet", "SelectionSpec").text("name", n).close("selectSet");
    b.close("selectSet");
}

std::vector<DatacenterInfo> datacenters(Session& s, const Deadline& dl) {
    std::vector<DatacenterInfo> out;
    std::vector<std::vector<std::string>> ds_refs;
    std::map<std::string, std::string> ds_names;
    std::vector<std::string> dc_parents;
    // The folders above the datacenters: moref -> (name, parent).
    std::map<std::string, std::pair<std::string, std::string>> folders;
    retrieve(
        s,
        [&](RequestBuilder& b) {
            b.open("propSet").text("type", "Datacenter");
            for (const char* p : {"name", "parent", "vmFolder", "hostFolder", "datastore"}) b.text("pathSet", p);
            b.close("propSet");
            b.open("propSet").text("type", "Folder").text("pathSet", "name").text("pathSet", "parent").close("propSet");
            b.open("propSet").text("type", "Datastore").text("pathSet", "name").close("propSet");
            b.open("objectSet").moref("obj", "Folder", s.content().root_folder).text("skip", "true");
            traversal(b, "folders", "Folder", "childEntity", {"folders", "datastores"});
            traversal(b, "datastores", "Datacenter", "datastore", {});
            b.close("objectSet");
        },
        dl,
        [&](const ObjectProps& o) {
            if (o.type == "Datacenter") {
                DatacenterInfo dc;
                dc.moref = std::string(o.moref);
                dc.name = o.text("name");
                dc_parents.push_back(o.text("parent"));
                dc.vm_folder = o.text("vmFolder");
                dc.host_folder = o.text("hostFolder");
                out.push_back(std::move(dc));
                ds_refs.push_back(moref_list(o.get("datastore")));
            } else if (o.type == "Datastore") {
                ds_names[std::string(o.moref)] = o.text("name");
            } else if (o.type == "Folder") {
                folders[std::string(o.moref)] = {o.text("name"), o.text("parent")};
            }
        });
    for (std::size_t i = 0; i < out.size(); ++i) {
        // Up the folders to the root folder (which is not reported); the
        // bound only guards against a server that reports a cycle.
        out[i].path = out[i].name;
        std::string up = dc_parents[i];
        for (int depth = 0; depth < 64 && up != s.content().root_folder; ++depth) {
            const auto it = folders.find(up);
            if (it == folders.end()) break;
            out[i].path = it->second.first + "/" + out[i].path;
            up = it->second.second;
        }
    }
    for (std::size_t i = 0; i < out.size(); ++i)
        for (const std::string& ref : ds_refs[i])
            if (auto it = ds_names.find(ref); it != ds_names.end()) out[i].datastores.push_back(it->second);
    return out;
}

std::string find_by_datastore_path(Session& s, const std::string& datacenter, const DatastorePath& path,
                                   const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "FindByDatastorePath", "SearchIndex", s.content().search_index);
    b.moref("datacenter", "Datacenter", datacenter).text("path", path.canonical()).finish();
    Reply reply = s.call("FindByDatastorePath", req, dl);
    const char* t = reply.returnval() ? reply.returnval()->GetText() : nullptr;
    return t ? t : "";
}

std::string find_vm(Session& s, const std::vector<DatacenterInfo>& dcs, const DatastorePath& path,
                    const Deadline& dl) {
    for (const DatacenterInfo& dc : dcs) {
        // A datacenter without that datastore cannot hold the file.
        if (!dc.holds(path.datastore)) continue;
        std::string vm = find_by_datastore_path(s, dc.moref, path, dl);
        if (!vm.empty()) return vm;
    }
    return {};
}

std::string first_resource_pool(Session& s, const std::string& host_folder, const Deadline& dl) {
    std::string pool;
    retrieve(
        s,
        [&](RequestBuilder& b) {
            for (const char* type : {"ComputeResource", "ClusterComputeResource"})
                b.open("propSet").text("type", type).text("pathSet", "resourcePool").close("propSet");
            b.open("objectSet").moref("obj", "Folder", host_folder).text("skip", "true");
            traversal(b, "hosts", "Folder", "childEntity", {"hosts"});
            b.close("objectSet");
        },
        dl,
        [&](const ObjectProps& o) {
            if (pool.empty()) pool = o.text("resourcePool");
        });
    return pool;
}

std::string start_register_vm(Session& s, const DatacenterInfo& dc, const std::string& pool,
                              const DatastorePath& path, const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "RegisterVM_Task", "Folder", dc.vm_folder);
    b.text("path", path.canonical()).text("asTemplate", "false").moref("pool", "ResourcePool", pool).finish();
    Reply reply = s.call("RegisterVM_Task", req, dl);
    const char* t = reply.returnval() ? reply.returnval()->GetText() : nullptr;
    if (!t || !*t) throw Error(VIX_E_INVALID_XML, "RegisterVM_Task: the answer names no task");
    return t;
}

void unregister_vm(Session& s, const std::string& vm, const Deadline& dl) {
    Secret req;
    RequestBuilder(req, "UnregisterVM", "VirtualMachine", vm).finish();
    s.call("UnregisterVM", req, dl);
}

}  // namespace vix
