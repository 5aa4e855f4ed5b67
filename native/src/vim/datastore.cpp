#include "vix/vim/datastore.h"

#include "vix/errors.h"
#include "vix/vim/tasks.h"

namespace vix {

namespace {

// Percent-encoding (RFC 3986): unreserved characters stay, and '/' too in
// a path (it separates the directories of the datastore path); every other
// byte of the UTF-8 text is escaped, so spaces, '#', '?', '&' and non-ASCII
// names reach the server intact.
void escape(std::string& out, std::string_view in, bool keep_slash) {
    static const char hex[] = "0123456789ABCDEF";
    for (const char ch : in) {
        const auto c = static_cast<unsigned char>(ch);
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                           c == '.' || c == '_' || c == '~' || (keep_slash && c == '/');
        if (plain) {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
}

}  // namespace

std::string datastore_file_target(const DatacenterInfo& dc, const DatastorePath& file) {
    std::string t = "/folder/";
    escape(t, file.rest, true);
    t += "?dcPath=";
    escape(t, dc.path.empty() ? dc.name : dc.path, false);
    t += "&dsName=";
    escape(t, file.datastore, false);
    return t;
}

std::string read_datastore_file(Session& s, const DatacenterInfo& dc, const DatastorePath& file, const Deadline& dl) {
    return s.get_bytes(datastore_file_target(dc, file), dl);
}

std::string start_delete_datastore_file(Session& s, const DatacenterInfo& dc, const DatastorePath& file,
                                        const Deadline& dl) {
    if (s.content().file_manager.empty())
        throw Error(VIX_E_NOT_SUPPORTED, "the server has no FileManager to delete " + file.canonical());
    Secret req;
    RequestBuilder b(req, "DeleteDatastoreFile_Task", "FileManager", s.content().file_manager);
    b.text("name", file.canonical()).moref("datacenter", "Datacenter", dc.moref).finish();
    return task_of(s.call("DeleteDatastoreFile_Task", req, dl), "DeleteDatastoreFile_Task");
}

}  // namespace vix
