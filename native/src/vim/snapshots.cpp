#include "vix/vim/snapshots.h"

#include <tinyxml2.h>

#include "vix/errors.h"
#include "vix/vim/properties.h"
#include "vix/vim/tasks.h"

namespace vix {

using tinyxml2::XMLElement;

int SnapshotTree::find(std::string_view moref) const {
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].moref == moref) return static_cast<int>(i);
    return -1;
}

namespace {

// Adds one VirtualMachineSnapshotTree element and its children; returns its
// index. Recursion is bounded by kMaxSnapshotDepth.
int add_node(SnapshotTree& t, const XMLElement* e, int parent, int depth) {
    if (depth > kMaxSnapshotDepth) throw Error(VIX_E_INVALID_XML, "snapshot tree nested too deeply");
    SnapshotNode n;
    n.moref = child_text(e, "snapshot");
    n.name = child_text(e, "name");
    n.description = child_text(e, "description");
    n.state = child_text(e, "state");
    n.parent = parent;
    if (n.moref.empty()) throw Error(VIX_E_INVALID_XML, "a snapshot in the tree has no managed object");
    const int self = static_cast<int>(t.nodes.size());
    t.nodes.push_back(std::move(n));
    for (const XMLElement* c = e->FirstChildElement(); c; c = c->NextSiblingElement()) {
        if (local_name(c->Name()) != "childSnapshotList") continue;
        const int child = add_node(t, c, self, depth + 1);
        t.nodes[self].children.push_back(child);  // index, not a reference: nodes may have moved
    }
    return self;
}

void split_path(std::string_view path, std::vector<std::string_view>& out) {
    std::size_t start = 0;
    for (;;) {
        const std::size_t slash = path.find('/', start);
        out.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos) return;
        start = slash + 1;
    }
}

}  // namespace

SnapshotTree parse_snapshot_tree(const XMLElement* info) {
    SnapshotTree t;
    if (!info) return t;
    t.current = child_text(info, "currentSnapshot");
    for (const XMLElement* c = info->FirstChildElement(); c; c = c->NextSiblingElement())
        if (local_name(c->Name()) == "rootSnapshotList") t.roots.push_back(add_node(t, c, -1, 0));
    return t;
}

NamedLookup find_named(const SnapshotTree& t, std::string_view name, int& index) {
    index = -1;
    std::vector<int> matches;
    if (name.find('/') == std::string_view::npos) {
        for (std::size_t i = 0; i < t.nodes.size(); ++i)
            if (t.nodes[i].name == name) matches.push_back(static_cast<int>(i));
    } else {
        std::vector<std::string_view> levels;
        split_path(name, levels);
        matches = t.roots;
        for (std::size_t level = 0; level < levels.size() && !matches.empty(); ++level) {
            std::vector<int> next;
            for (int m : matches)
                if (t.nodes[m].name == levels[level]) {
                    if (level + 1 == levels.size())
                        next.push_back(m);
                    else
                        next.insert(next.end(), t.nodes[m].children.begin(), t.nodes[m].children.end());
                }
            matches.swap(next);
        }
    }
    if (matches.empty()) return NamedLookup::None;
    if (matches.size() > 1) return NamedLookup::Several;
    index = matches.front();
    return NamedLookup::Found;
}

SnapshotTree read_snapshot_tree(Session& s, const std::string& vm, const Deadline& dl) {
    SnapshotTree t;
    retrieve_object(s, "VirtualMachine", vm, {"snapshot"}, dl,
                    [&](const ObjectProps& o) { t = parse_snapshot_tree(o.get("snapshot")); });
    return t;
}

std::string start_create_snapshot(Session& s, const std::string& vm, std::string_view name,
                                  std::string_view description, bool memory, bool quiesce, const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "CreateSnapshot_Task", "VirtualMachine", vm);
    b.text("name", name).text("description", description);
    b.text("memory", memory ? "true" : "false").text("quiesce", quiesce ? "true" : "false").finish();
    return task_of(s.call("CreateSnapshot_Task", req, dl), "CreateSnapshot_Task");
}

std::string start_remove_snapshot(Session& s, const std::string& snapshot, bool remove_children,
                                  const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "RemoveSnapshot_Task", "VirtualMachineSnapshot", snapshot);
    b.text("removeChildren", remove_children ? "true" : "false").finish();
    return task_of(s.call("RemoveSnapshot_Task", req, dl), "RemoveSnapshot_Task");
}

std::string start_revert_to_snapshot(Session& s, const std::string& snapshot, bool suppress_power_on,
                                     const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "RevertToSnapshot_Task", "VirtualMachineSnapshot", snapshot);
    b.text("suppressPowerOn", suppress_power_on ? "true" : "false").finish();
    return task_of(s.call("RevertToSnapshot_Task", req, dl), "RevertToSnapshot_Task");
}

}  // namespace vix
