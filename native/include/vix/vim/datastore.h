// Files on a datastore, outside any VM's guest: read over the datastore
// file interface (HTTPS GET /folder/...) and deleted with
// FileManager.DeleteDatastoreFile_Task. The screenshot (SPEC-VM 13) is the
// one caller: CreateScreenshot_Task leaves its PNG there.
#pragma once
#include <string>

#include "vix/vim/inventory.h"
#include "vix/vim/session.h"

namespace vix {

// "/folder/<dir/name, escaped>?dcPath=<dc.path>&dsName=<datastore>": the
// request target of the datastore file interface for `file` in `dc`.
std::string datastore_file_target(const DatacenterInfo& dc, const DatastorePath& file);

// The whole file, into memory (Session::get_bytes: at most 32 MiB; missing:
// VIX_E_FILE_NOT_FOUND).
std::string read_datastore_file(Session& s, const DatacenterInfo& dc, const DatastorePath& file, const Deadline& dl);

// FileManager.DeleteDatastoreFile_Task: the task's moref.
std::string start_delete_datastore_file(Session& s, const DatacenterInfo& dc, const DatastorePath& file,
                                        const Deadline& dl);

}  // namespace vix
