// Guest operations (SPEC-VM 14): the API the XS layer calls. Every function
// is noexcept; the handle, then the arguments in parameter order, then the
// login are checked before anything is sent (SPEC-VM 17.16).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "vix/args.h"
#include "vix/errors.h"

namespace vix {

// ---- tools, login, programs, processes (guest.cpp) ----

Status vm_wait_for_tools(int vm, const IntArg& timeout_seconds) noexcept;
Status vm_login_in_guest(int vm, const StrArg& user, const StrArg& password, const IntArg& options) noexcept;
Status vm_logout_from_guest(int vm) noexcept;

struct RunResult {
    std::int64_t pid = 0;
    bool finished = false;  // false with VIX_RUNPROGRAM_RETURN_IMMEDIATELY
    std::int64_t exit_code = 0;
    std::int64_t elapsed_seconds = 0;
};
Status vm_run_program(int vm, const StrArg& program, const StrArg& args, const IntArg& options,
                      const IntArg& property_list, RunResult& out) noexcept;
Status vm_run_script(int vm, const StrArg& interpreter, const StrArg& script, const IntArg& options,
                     const IntArg& property_list, RunResult& out) noexcept;

struct ProcessEntry {
    std::string name, owner, command;
    std::int64_t pid = 0;
    std::int64_t start_time = 0;  // epoch seconds
};
Status vm_list_processes(int vm, const IntArg& options, std::vector<ProcessEntry>& out) noexcept;
Status vm_kill_process(int vm, const IntArg& pid, const IntArg& options) noexcept;


// ---- files (guest_fs.cpp) ----

// `progress` (beyond the original, optional) is told the bytes done and the
// total as the copy goes (every 64 KiB or so), on the calling thread.
Status vm_copy_file_to_guest(int vm, const StrArg& host_path, const StrArg& guest_path, const IntArg& options,
                             const IntArg& property_list, const CallbackArg& progress = {}) noexcept;
Status vm_copy_file_from_guest(int vm, const StrArg& guest_path, const StrArg& host_path, const IntArg& options,
                               const IntArg& property_list, const CallbackArg& progress = {}) noexcept;
Status vm_delete_file_in_guest(int vm, const StrArg& path) noexcept;
Status vm_file_exists_in_guest(int vm, const StrArg& path, bool& exists) noexcept;
Status vm_directory_exists_in_guest(int vm, const StrArg& path, bool& exists) noexcept;
Status vm_rename_file_in_guest(int vm, const StrArg& from, const StrArg& to, const IntArg& options,
                               const IntArg& property_list) noexcept;
Status vm_create_temp_file_in_guest(int vm, const IntArg& options, const IntArg& property_list,
                                    std::string& path) noexcept;

struct FileEntry {
    std::string name;
    std::int64_t attributes = 0;  // VIX_FILE_ATTRIBUTES_DIRECTORY, _SYMLINK
    std::int64_t size = 0;
    std::int64_t mod_time = 0;  // epoch seconds
};
Status vm_list_directory_in_guest(int vm, const StrArg& path, const IntArg& options,
                                  std::vector<FileEntry>& out) noexcept;
Status vm_create_directory_in_guest(int vm, const StrArg& path, const IntArg& property_list) noexcept;
Status vm_delete_directory_in_guest(int vm, const StrArg& path, const IntArg& options) noexcept;
Status vm_get_file_info_in_guest(int vm, const StrArg& path, FileEntry& info) noexcept;

}  // namespace vix
