// Snapshots of a VirtualMachine (SPEC-VM 13): the tree as the server
// reports it (the VM's `snapshot` property), lookups in it, and the three
// snapshot tasks. The tree is read fresh for every call, never cached.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "vix/vim/session.h"

namespace tinyxml2 {
class XMLElement;
}

namespace vix {

struct SnapshotNode {
    std::string moref;  // VirtualMachineSnapshot, e.g. "snapshot-12"
    std::string name;
    std::string description;
    std::string state;  // poweredOff, poweredOn, suspended
    int parent = -1;    // index into SnapshotTree::nodes, -1 for a root
    std::vector<int> children;
};

struct SnapshotTree {
    std::vector<SnapshotNode> nodes;  // depth first, in the server's order
    std::vector<int> roots;
    std::string current;              // moref of currentSnapshot, "" when none

    // Index of the node with this moref, -1 when it is not in the tree.
    int find(std::string_view moref) const;
};

// The tree from a VirtualMachineSnapshotInfo <val> (nullptr: no snapshots).
// Nesting deeper than kMaxSnapshotDepth is refused (VIX_E_INVALID_XML).
SnapshotTree parse_snapshot_tree(const tinyxml2::XMLElement* info);
// vSphere allows 32 levels; tinyxml2 refuses documents nested past 100.
inline constexpr int kMaxSnapshotDepth = 64;

// VMGetNamedSnapshot (SPEC-VM 17.6): a name without '/' matches a snapshot
// of that name anywhere in the tree (the original's behaviour); "a/b/c" is a
// path anchored at the roots, each level a direct child of the one before.
enum class NamedLookup { Found, None, Several };
NamedLookup find_named(const SnapshotTree& tree, std::string_view name, int& index);

// One RetrievePropertiesEx of the VM's `snapshot` property.
SnapshotTree read_snapshot_tree(Session& s, const std::string& vm, const Deadline& dl);

// VirtualMachine.CreateSnapshot_Task: the task's moref.
std::string start_create_snapshot(Session& s, const std::string& vm, std::string_view name,
                                  std::string_view description, bool memory, bool quiesce, const Deadline& dl);
// VirtualMachineSnapshot.RemoveSnapshot_Task.
std::string start_remove_snapshot(Session& s, const std::string& snapshot, bool remove_children,
                                  const Deadline& dl);
// VirtualMachineSnapshot.RevertToSnapshot_Task.
std::string start_revert_to_snapshot(Session& s, const std::string& snapshot, bool suppress_power_on,
                                     const Deadline& dl);

}  // namespace vix
