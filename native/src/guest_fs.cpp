// Guest operations on files (SPEC-VM 14, 17.17, 17.18), and the script
// runner, which needs a file in the guest.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "guest_ops.h"
#include "vix/guest.h"
#include "vix/vim/properties.h"

namespace vix {

namespace {

// "/a/b/c/" → ("/a/b", "c"); "C:\x" → ("C:\", "x"). No name: a root, or a
// path without a separator (the server judges those).
void split_guest_path(std::string_view p, std::string& dir, std::string& name) {
    while (p.size() > 1 && (p.back() == '/' || p.back() == '\\') && p[p.size() - 2] != ':') p.remove_suffix(1);
    const std::size_t pos = p.find_last_of("/\\");
    if (pos == std::string_view::npos || pos + 1 == p.size()) {
        dir.assign(p);
        name.clear();
        return;
    }
    name.assign(p.substr(pos + 1));
    dir.assign(p.substr(0, pos));
    if (dir.empty() || dir.back() == ':') dir.assign(p.substr(0, pos + 1));  // keep the root's separator
}

// What the path itself is (a symlink is not followed): its entry in its
// directory's listing. nullopt when it does not exist.
std::optional<GuestFile> stat_in_guest(const GuestContext& c, const std::string& path) {
    std::string dir, name;
    split_guest_path(path, dir, name);
    try {
        if (name.empty() || name == "." || name == "..") {
            // A root (or a path the server must judge): it exists if it lists.
            list_files(c.target(), path, 0, "^\\.$", c.deadline());
            GuestFile f;
            f.name = path;
            f.type = "directory";
            return f;
        }
        const GuestFilePage page = list_files(c.target(), dir, 0, exact_pattern(name), c.deadline());
        for (const GuestFile& f : page.files)
            if (f.name == name) return f;
        return std::nullopt;
    } catch (const Error& e) {
        if (e.code() == VIX_E_FILE_NOT_FOUND || e.code() == VIX_E_NOT_A_DIRECTORY) return std::nullopt;
        throw;
    }
}

std::int64_t attributes_of(const GuestFile& f) {
    if (f.type == "directory") return VIX_FILE_ATTRIBUTES_DIRECTORY;
    if (f.type == "symlink") return VIX_FILE_ATTRIBUTES_SYMLINK;
    return 0;
}

std::string guest_path_arg(const StrArg& a, const char* name) { return required_string(a, name); }

// A local file to upload: must exist and be a regular file (checked before
// anything is sent). Returns its size.
std::int64_t local_source(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        throw Error(err == ENOENT || err == ENOTDIR ? VIX_E_FILE_NOT_FOUND : VIX_E_FILE_ACCESS_ERROR,
                    path + ": " + std::strerror(err));
    }
    if (S_ISDIR(st.st_mode)) throw Error(VIX_E_NOT_A_FILE, path + " is a directory");
    if (!S_ISREG(st.st_mode)) throw Error(VIX_E_NOT_A_FILE, path + " is not a regular file");
    return static_cast<std::int64_t>(st.st_size);
}

void upload(const GuestContext& c, const std::string& local, std::int64_t size, const std::string& guest_path,
            const Progress& progress = {}) {
    const std::string url = initiate_to_guest(c.target(), guest_path, size, true, c.deadline());
    transfer_put(*c.host().session, url, local, c.deadline(), progress);
}

// The optional progress callback: checked last, in its turn.
const Progress& progress_arg(const CallbackArg& a) {
    if (a.kind == CallbackArg::NotCode) invalid_arg("progress must be a code reference");
    return a.progress;
}

// A local temporary file holding `text`, removed with this object.
class LocalTemp {
public:
    explicit LocalTemp(std::string_view text) {
        const char* dir = std::getenv("TMPDIR");
        path_ = std::string(dir && *dir ? dir : "/tmp") + "/vix-script-XXXXXX";
        const int fd = ::mkstemp(&path_[0]);
        if (fd < 0) throw Error(VIX_E_FILE_ACCESS_ERROR, "cannot create a local temporary file: " + std::string(std::strerror(errno)));
        std::size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                const int err = errno;
                ::close(fd);
                ::unlink(path_.c_str());
                throw Error(VIX_E_DISK_FULL, "writing a local temporary file: " + std::string(std::strerror(err)));
            }
            done += static_cast<std::size_t>(n);
        }
        ::close(fd);
    }
    ~LocalTemp() { ::unlink(path_.c_str()); }
    LocalTemp(const LocalTemp&) = delete;
    LocalTemp& operator=(const LocalTemp&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// config.guestId of a Windows guest starts with "win" (windows9Guest, winXPProGuest, ...).
bool windows_guest(const GuestContext& c) {
    std::string id;
    retrieve_object(*c.host().session, "VirtualMachine", c.vm().moref, {"config.guestId"}, c.deadline(),
                    [&](const ObjectProps& o) { id = o.text("config.guestId"); });
    return id.compare(0, 3, "win") == 0;
}

std::string sh_quote(const std::string& s) {
    std::string out = "'";
    for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
}

}  // namespace

Status vm_copy_file_to_guest(int vm_handle, const StrArg& host_path, const StrArg& guest_path, const IntArg& options,
                             const IntArg& property_list, const CallbackArg& progress) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::string local = required_string(host_path, "hostPathName");
        const std::string remote = guest_path_arg(guest_path, "guestPathName");
        options_arg(options, 0);
        no_handle_arg(property_list);
        const Progress& report = progress_arg(progress);
        const GuestContext c(*vm, "VMCopyFileFromHostToGuest");
        on_vm(c.op(), vm->path, [&] { upload(c, local, local_source(local), remote, report); });
    });
}

Status vm_copy_file_from_guest(int vm_handle, const StrArg& guest_path, const StrArg& host_path,
                               const IntArg& options, const IntArg& property_list,
                               const CallbackArg& progress) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::string remote = guest_path_arg(guest_path, "guestPathName");
        const std::string local = required_string(host_path, "hostPathName");
        options_arg(options, 0);
        no_handle_arg(property_list);
        const Progress& report = progress_arg(progress);
        const GuestContext c(*vm, "VMCopyFileFromGuestToHost");
        on_vm(c.op(), vm->path, [&] {
            struct stat st;
            if (::stat(local.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
                throw Error(VIX_E_NOT_A_FILE, local + " is a directory");
            const std::string url = initiate_from_guest(c.target(), remote, c.deadline());
            transfer_get(*c.host().session, url, local, c.deadline(), report);
        });
    });
}

Status vm_delete_file_in_guest(int vm_handle, const StrArg& path) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::string p = guest_path_arg(path, "guestPathName");
        const GuestContext c(*vm, "VMDeleteFileInGuest");
        on_vm(c.op(), vm->path, [&] { delete_file(c.target(), p, c.deadline()); });
    });
}

static Status exists_in_guest(int vm_handle, const StrArg& path, bool& exists, bool want_dir, const char* op) {
    exists = false;
    Status st = guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::string p = guest_path_arg(path, "guestPathName");
        const GuestContext c(*vm, op);
        on_vm(op, vm->path, [&] {
            const std::optional<GuestFile> f = stat_in_guest(c, p);
            // A symlink counts as a file, never as a directory (SPEC-VM 17.17).
            exists = f && (f->type == "directory") == want_dir;
        });
    });
    if (!st.ok()) exists = false;
    return st;
}

Status vm_file_exists_in_guest(int vm, const StrArg& path, bool& exists) noexcept {
    return exists_in_guest(vm, path, exists, false, "VMFileExistsInGuest");
}

Status vm_directory_exists_in_guest(int vm, const StrArg& path, bool& exists) noexcept {
    return exists_in_guest(vm, path, exists, true, "VMDirectoryExistsInGuest");
}

Status vm_rename_file_in_guest(int vm_handle, const StrArg& from, const StrArg& to, const IntArg& options,
                               const IntArg& property_list) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::string src = guest_path_arg(from, "oldName");
        const std::string dst = guest_path_arg(to, "newName");
        options_arg(options, 0);
        no_handle_arg(property_list);
        const GuestContext c(*vm, "VMRenameFileInGuest");
        on_vm(c.op(), vm->path, [&] {
            const std::optional<GuestFile> f = stat_in_guest(c, src);
            if (!f) throw Error(VIX_E_FILE_NOT_FOUND, src + " does not exist");
            // Never onto an existing path (SPEC-VM 17.18): overwrite false.
            if (f->type == "directory")
                move_directory(c.target(), src, dst, c.deadline());
            else
                move_file(c.target(), src, dst, false, c.deadline());
        });
    });
}

Status vm_create_temp_file_in_guest(int vm_handle, const IntArg& options, const IntArg& property_list,
                                    std::string& path) noexcept {
    path.clear();
    Status st = guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        options_arg(options, 0);
        no_handle_arg(property_list);
        const GuestContext c(*vm, "VMCreateTempFileInGuest");
        on_vm(c.op(), vm->path, [&] { path = create_temp_file(c.target(), "vix", "", c.deadline()); });
    });
    if (!st.ok()) path.clear();
    return st;
}

Status vm_list_directory_in_guest(int vm_handle, const StrArg& path, const IntArg& options,
                                  std::vector<FileEntry>& out) noexcept {
    out.clear();
    Status st = guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::string p = guest_path_arg(path, "pathName");
        options_arg(options, 0);
        const GuestContext c(*vm, "VMListDirectoryInGuest");
        on_vm(c.op(), vm->path, [&] {
            std::int64_t index = 0;
            for (;;) {
                GuestFilePage page = list_files(c.target(), p, index, {}, c.deadline());
                // A file is described by its own path, alone: not a directory.
                if (index == 0 && page.files.size() == 1 && page.remaining == 0 && page.files[0].name == p &&
                    page.files[0].type != "directory")
                    throw Error(VIX_E_NOT_A_DIRECTORY, p + " is not a directory");
                for (GuestFile& f : page.files) {
                    if (f.name == "." || f.name == "..") continue;
                    FileEntry e;
                    e.attributes = attributes_of(f);
                    e.name = std::move(f.name);
                    e.size = f.size;
                    e.mod_time = f.mtime;
                    out.push_back(std::move(e));
                }
                if (page.remaining <= 0) break;
                if (page.files.empty())
                    throw Error(VIX_E_INVALID_XML, "ListFilesInGuest: an empty page with entries remaining");
                index += static_cast<std::int64_t>(page.files.size());
            }
        });
    });
    if (!st.ok()) out.clear();  // never a partial listing
    return st;
}

Status vm_create_directory_in_guest(int vm_handle, const StrArg& path, const IntArg& property_list) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::string p = guest_path_arg(path, "pathName");
        no_handle_arg(property_list);
        const GuestContext c(*vm, "VMCreateDirectoryInGuest");
        on_vm(c.op(), vm->path, [&] { make_directory(c.target(), p, true, c.deadline()); });
    });
}

Status vm_delete_directory_in_guest(int vm_handle, const StrArg& path, const IntArg& options) noexcept {
    return guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::string p = guest_path_arg(path, "pathName");
        options_arg(options, 0);
        const GuestContext c(*vm, "VMDeleteDirectoryInGuest");
        on_vm(c.op(), vm->path, [&] { delete_directory(c.target(), p, true, c.deadline()); });
    });
}

Status vm_get_file_info_in_guest(int vm_handle, const StrArg& path, FileEntry& info) noexcept {
    info = FileEntry{};
    Status st = guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::string p = guest_path_arg(path, "pathName");
        const GuestContext c(*vm, "VMGetFileInfoInGuest");
        on_vm(c.op(), vm->path, [&] {
            const std::optional<GuestFile> f = stat_in_guest(c, p);
            if (!f) throw Error(VIX_E_FILE_NOT_FOUND, p + " does not exist");
            info.name = f->name;
            info.attributes = attributes_of(*f);
            info.size = f->size;
            info.mod_time = f->mtime;
        });
    });
    if (!st.ok()) info = FileEntry{};
    return st;
}

Status vm_run_script(int vm_handle, const StrArg& interpreter, const StrArg& script, const IntArg& options,
                     const IntArg& property_list, RunResult& out) noexcept {
    out = RunResult{};
    return guarded([&] {
        std::shared_ptr<VmObject> vm = guest_vm(vm_handle);
        const std::string interp = optional_string(interpreter, "interpreter");
        check_string(script, "scriptText");
        if (script.kind != StrArg::Bytes) invalid_arg("scriptText is required");
        const std::int64_t o = options_arg(options, VIX_RUNPROGRAM_RETURN_IMMEDIATELY | VIX_RUNPROGRAM_ACTIVATE_WINDOW);
        no_handle_arg(property_list);
        const GuestContext c(*vm, "VMRunScriptInGuest");
        on_vm(c.op(), vm->path, [&] {
            const bool windows = windows_guest(c);
            const LocalTemp text(script.bytes);
            const std::string file = create_temp_file(c.target(), "vix", windows ? ".bat" : "", c.deadline());
            const bool wait = !(o & VIX_RUNPROGRAM_RETURN_IMMEDIATELY);
            try {
                upload(c, text.path(), static_cast<std::int64_t>(script.bytes.size()), file);
                std::string program = interp, args;
                if (program.empty() && windows) {
                    program = "C:\\Windows\\System32\\cmd.exe";
                    args = "/c \"" + file + "\"";
                } else {
                    if (program.empty()) program = "/bin/sh";
                    args = windows ? "\"" + file + "\"" : sh_quote(file);
                }
                run_in_guest(c, program, args, wait, out);
            } catch (const Error& e) {
                if (e.code() != VIX_E_CANCELLED) {
                    try {
                        delete_file(c.target(), file, c.deadline());
                    } catch (...) {
                    }
                }
                throw;
            }
            // With RETURN_IMMEDIATELY the script may still be reading it (SPEC-VM 17.17).
            if (wait) {
                try {
                    delete_file(c.target(), file, c.deadline());
                } catch (...) {  // best effort: the result is the program's
                }
            }
        });
    });
}

}  // namespace vix
