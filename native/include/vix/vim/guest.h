// vSphere guest operations (SPEC-VM 14): GuestOperationsManager's auth,
// process and file managers. Every request carries NamePasswordAuthentication;
// a fault detail never holds the guest password, even when a server echoes it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vix/vim/session.h"

namespace vix {

// The managers of ServiceContent.guestOperationsManager (morefs).
struct GuestManagers {
    std::string auth, file, process;
};
// One RetrievePropertiesEx; VIX_E_NOT_SUPPORTED when the server has none.
GuestManagers guest_managers(Session& s, const Deadline& dl);

// What every guest request needs: the VM, the managers and the credentials.
struct GuestTarget {
    Session& s;
    const GuestManagers& m;
    std::string_view vm;        // moref value
    std::string_view user;
    std::string_view password;  // a wiped secret's view
    bool interactive = false;
};

// GuestAuthManager.ValidateCredentialsInGuest.
void validate_credentials(const GuestTarget& t, const Deadline& dl);

// ---- processes ----

struct GuestProcess {
    std::string name, owner, cmd_line;
    std::int64_t pid = 0;
    std::int64_t start_ms = 0;  // epoch milliseconds
    bool ended = false;
    std::int64_t end_ms = 0;
    std::int64_t exit_code = 0;
};

// StartProgramInGuest: the new process's pid.
std::int64_t start_program(const GuestTarget& t, std::string_view program, std::string_view args,
                           const Deadline& dl);
// ListProcessesInGuest (all processes when pids is empty).
std::vector<GuestProcess> list_processes(const GuestTarget& t, const std::vector<std::int64_t>& pids,
                                         const Deadline& dl);
void terminate_process(const GuestTarget& t, std::int64_t pid, const Deadline& dl);
// ReadEnvironmentVariableInGuest for one name: its value, "" when unset.
std::string read_environment_variable(const GuestTarget& t, std::string_view name, const Deadline& dl);

// ---- files (vim/guest_files.cpp) ----

struct GuestFile {
    std::string name;  // as the server gives it: a bare name in a listing
    std::string type;  // file, directory, symlink
    std::int64_t size = 0;
    std::int64_t mtime = 0;  // epoch seconds, 0 when unknown
};

// One page of ListFilesInGuest: entries and how many follow.
struct GuestFilePage {
    std::vector<GuestFile> files;
    std::int64_t remaining = 0;
};
GuestFilePage list_files(const GuestTarget& t, std::string_view path, std::int64_t index,
                         std::string_view match_pattern, const Deadline& dl);

// A Perl-compatible regular expression matching exactly `name` (also valid
// for RE2, which some servers use).
std::string exact_pattern(std::string_view name);

void make_directory(const GuestTarget& t, std::string_view path, bool parents, const Deadline& dl);
void delete_file(const GuestTarget& t, std::string_view path, const Deadline& dl);
void delete_directory(const GuestTarget& t, std::string_view path, bool recursive, const Deadline& dl);
void move_file(const GuestTarget& t, std::string_view from, std::string_view to, bool overwrite,
               const Deadline& dl);
void move_directory(const GuestTarget& t, std::string_view from, std::string_view to, const Deadline& dl);
// CreateTemporaryFileInGuest in the guest's default temp directory.
std::string create_temp_file(const GuestTarget& t, std::string_view prefix, std::string_view suffix,
                             const Deadline& dl);
// InitiateFileTransferToGuest: the URL to PUT `size` bytes to.
std::string initiate_to_guest(const GuestTarget& t, std::string_view path, std::int64_t size, bool overwrite,
                              const Deadline& dl);
// InitiateFileTransferFromGuest: the URL to GET the file from.
std::string initiate_from_guest(const GuestTarget& t, std::string_view path, const Deadline& dl);

// ---- transfers (vim/guest_transfer.cpp): the seam to the streaming transport ----

// PUT the local file to a transfer URL ("*" host: the session's host), in
// bounded memory, with Content-Length.
void transfer_put(Session& s, const std::string& url, const std::string& local_path, const Deadline& dl,
                  const Progress& progress = {});
// GET a transfer URL into a temporary file beside local_path, renamed into
// place only when complete.
void transfer_get(Session& s, const std::string& url, const std::string& local_path, const Deadline& dl,
                  const Progress& progress = {});

// ---- helpers shared by the guest files ----

// xsd:dateTime → epoch milliseconds; false when it does not parse.
bool parse_xsd_datetime(std::string_view text, std::int64_t& epoch_ms);

}  // namespace vix
