// The guest file transfers, on the session's streaming transport: the URL
// as the server gave it ("*" host: the session's host), the session's TLS
// settings, bounded memory; a download lands in a temporary file beside
// the target and is renamed into place only when complete.
#include "vix/vim/guest.h"

namespace vix {

void transfer_put(Session& s, const std::string& url, const std::string& local_path, const Deadline& dl,
                  const Progress& progress) {
    s.upload(url, local_path, dl, progress);
}

void transfer_get(Session& s, const std::string& url, const std::string& local_path, const Deadline& dl,
                  const Progress& progress) {
    s.download(url, local_path, dl, progress);
}

}  // namespace vix
