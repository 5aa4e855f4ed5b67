// GuestFileManager: listings, directories, moves, temp files and the
// transfer URLs (the transfers themselves go through the Session).
#include <tinyxml2.h>

#include <cstdio>
#include <cstdlib>

#include "guest_call.h"
#include "vix/vim/guest.h"

namespace vix {

using tinyxml2::XMLElement;

// The page size we ask for; servers may give fewer (ESXi: its own cap).
static constexpr std::string_view kMaxResults = "1000";

GuestFilePage list_files(const GuestTarget& t, std::string_view path, std::int64_t index,
                         std::string_view match_pattern, const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "ListFilesInGuest", "GuestFileManager", t.m.file);
    guest_prologue(b, t).text("filePath", path);
    if (index > 0) b.text("index", std::to_string(index));
    b.text("maxResults", kMaxResults);
    if (!match_pattern.empty()) b.text("matchPattern", match_pattern);
    b.finish();
    const Reply r = guest_call(t, "ListFilesInGuest", req, dl);
    GuestFilePage page;
    const XMLElement* rv = r.returnval();
    if (!rv) throw Error(VIX_E_INVALID_XML, "ListFilesInGuest: the answer has no result");
    for (const XMLElement* e = rv->FirstChildElement(); e; e = e->NextSiblingElement()) {
        const std::string_view n = local_name(e->Name());
        if (n == "remaining") {
            page.remaining = std::strtoll(e->GetText() ? e->GetText() : "0", nullptr, 10);
        } else if (n == "files") {
            GuestFile f;
            f.name = child_text(e, "path");
            f.type = child_text(e, "type");
            f.size = std::strtoll(child_text(e, "size").c_str(), nullptr, 10);
            std::int64_t ms = 0;
            if (parse_xsd_datetime(child_text(child(e, "attributes"), "modificationTime"), ms)) f.mtime = ms / 1000;
            page.files.push_back(std::move(f));
        }
    }
    return page;
}

std::string exact_pattern(std::string_view name) {
    std::string out = "^";
    for (unsigned char c : name) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80) {
            out += static_cast<char>(c);  // UTF-8 bytes stay literal: both dialects take them as characters
        } else if (c > 0x20 && c < 0x7f) {
            out += '\\';  // an escaped ASCII punctuation character is literal in PCRE and RE2
            out += static_cast<char>(c);
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", c);
            out += hex;
        }
    }
    return out + "$";
}

namespace {

void simple_file_call(const GuestTarget& t, std::string_view method, std::string_view name, std::string_view value,
                      const Deadline& dl, std::string_view flag_name = {}, bool flag = false) {
    Secret req;
    RequestBuilder b(req, method, "GuestFileManager", t.m.file);
    guest_prologue(b, t).text(name, value);
    if (!flag_name.empty()) b.text(flag_name, flag ? "true" : "false");
    b.finish();
    guest_call(t, method, req, dl);
}

std::string returned_text(const Reply& r, std::string_view method) {
    const char* text = r.returnval() ? r.returnval()->GetText() : nullptr;
    if (!text || !*text) throw Error(VIX_E_INVALID_XML, std::string(method) + ": the answer is empty");
    return text;
}

}  // namespace

void make_directory(const GuestTarget& t, std::string_view path, bool parents, const Deadline& dl) {
    simple_file_call(t, "MakeDirectoryInGuest", "directoryPath", path, dl, "createParentDirectories", parents);
}

void delete_file(const GuestTarget& t, std::string_view path, const Deadline& dl) {
    simple_file_call(t, "DeleteFileInGuest", "filePath", path, dl);
}

void delete_directory(const GuestTarget& t, std::string_view path, bool recursive, const Deadline& dl) {
    simple_file_call(t, "DeleteDirectoryInGuest", "directoryPath", path, dl, "recursive", recursive);
}

void move_file(const GuestTarget& t, std::string_view from, std::string_view to, bool overwrite,
               const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "MoveFileInGuest", "GuestFileManager", t.m.file);
    guest_prologue(b, t)
        .text("srcFilePath", from)
        .text("dstFilePath", to)
        .text("overwrite", overwrite ? "true" : "false")
        .finish();
    guest_call(t, "MoveFileInGuest", req, dl);
}

void move_directory(const GuestTarget& t, std::string_view from, std::string_view to, const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "MoveDirectoryInGuest", "GuestFileManager", t.m.file);
    guest_prologue(b, t).text("srcDirectoryPath", from).text("dstDirectoryPath", to).finish();
    guest_call(t, "MoveDirectoryInGuest", req, dl);
}

std::string create_temp_file(const GuestTarget& t, std::string_view prefix, std::string_view suffix,
                             const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "CreateTemporaryFileInGuest", "GuestFileManager", t.m.file);
    guest_prologue(b, t).text("prefix", prefix).text("suffix", suffix).finish();
    return returned_text(guest_call(t, "CreateTemporaryFileInGuest", req, dl), "CreateTemporaryFileInGuest");
}

std::string initiate_to_guest(const GuestTarget& t, std::string_view path, std::int64_t size, bool overwrite,
                              const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "InitiateFileTransferToGuest", "GuestFileManager", t.m.file);
    // Empty attributes: the guest's defaults (owner: the guest user).
    guest_prologue(b, t)
        .text("guestFilePath", path)
        .open("fileAttributes", "GuestFileAttributes")
        .close("fileAttributes")
        .text("fileSize", std::to_string(size))
        .text("overwrite", overwrite ? "true" : "false")
        .finish();
    return returned_text(guest_call(t, "InitiateFileTransferToGuest", req, dl), "InitiateFileTransferToGuest");
}

std::string initiate_from_guest(const GuestTarget& t, std::string_view path, const Deadline& dl) {
    Secret req;
    RequestBuilder b(req, "InitiateFileTransferFromGuest", "GuestFileManager", t.m.file);
    guest_prologue(b, t).text("guestFilePath", path).finish();
    const Reply r = guest_call(t, "InitiateFileTransferFromGuest", req, dl);
    std::string url = child_text(r.returnval(), "url");
    if (url.empty()) throw Error(VIX_E_INVALID_XML, "InitiateFileTransferFromGuest: the answer has no url");
    return url;
}

}  // namespace vix
