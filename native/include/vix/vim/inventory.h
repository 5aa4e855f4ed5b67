// Inventory (SPEC-VM 10): datacenters and their datastores, VMs by
// datastore path, registering and unregistering.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "vix/vim/session.h"

namespace vix {

// "[ds] dir/x.vmx"; the space after ']' is optional on input.
struct DatastorePath {
    std::string datastore;
    std::string rest;  // "dir/x.vmx"
    std::string canonical() const { return "[" + datastore + "] " + rest; }
};
// False when `in` has no "[datastore]" prefix.
bool parse_datastore_path(std::string_view in, DatastorePath& out);

struct DatacenterInfo {
    std::string moref;
    std::string name;
    // Its inventory path below the root folder ("Folder1/DC0", or the name
    // when it sits in the root folder): the dcPath of the datastore file
    // interface (GET /folder/...).
    std::string path;
    std::string vm_folder;
    std::string host_folder;
    std::vector<std::string> datastores;  // names
    bool holds(std::string_view datastore) const;
};

// Every datacenter in inventory order, with its name, inventory path and
// datastores' names: one RetrievePropertiesEx that walks the folder tree.
std::vector<DatacenterInfo> datacenters(Session& s, const Deadline& dl);

// SearchIndex.FindByDatastorePath in one datacenter: the VM's moref, or "".
std::string find_by_datastore_path(Session& s, const std::string& datacenter, const DatastorePath& path,
                                   const Deadline& dl);

// The VM registered at `path` in the first datacenter, in inventory order,
// that has it; "" when none has.
std::string find_vm(Session& s, const std::vector<DatacenterInfo>& dcs, const DatastorePath& path,
                    const Deadline& dl);

// The root resource pool of the first compute resource below a host folder.
std::string first_resource_pool(Session& s, const std::string& host_folder, const Deadline& dl);

// Folder.RegisterVM_Task (asTemplate false, name unset): the task's moref.
std::string start_register_vm(Session& s, const DatacenterInfo& dc, const std::string& pool,
                              const DatastorePath& path, const Deadline& dl);

// VirtualMachine.UnregisterVM.
void unregister_vm(Session& s, const std::string& vm, const Deadline& dl);

}  // namespace vix
