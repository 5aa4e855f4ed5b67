// Property retrieval (PropertyCollector.RetrievePropertiesEx, paged with
// ContinueRetrievePropertiesEx). Results are handed out one object at a
// time, page by page: a page is parsed, handed out and freed before the next
// is asked for, so a large inventory costs one page of memory, not all.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vix/vim/session.h"

namespace tinyxml2 {
class XMLElement;
}

namespace vix {

// One object of a RetrievePropertiesEx answer. Valid only inside the callback.
struct ObjectProps {
    std::string_view type;   // e.g. "VirtualMachine"
    std::string_view moref;  // e.g. "vm-42"
    std::vector<std::pair<std::string_view, const tinyxml2::XMLElement*>> props;  // path -> <val>

    // The <val> of a property path, or nullptr when the server left it out.
    const tinyxml2::XMLElement* get(std::string_view path) const;
    // Text of a simple value ("" when absent).
    std::string text(std::string_view path) const;
    bool has(std::string_view path) const { return get(path) != nullptr; }
};
using ObjectCallback = std::function<void(const ObjectProps&)>;

// Managed object references in an ArrayOfManagedObjectReference <val>.
std::vector<std::string> moref_list(const tinyxml2::XMLElement* val);

// Hands out every <objects> of a RetrieveResult element; returns its paging
// token ("" on the last page). Exposed for tests and the fuzzer.
std::string each_object(const tinyxml2::XMLElement* result, const ObjectCallback& each);

// Hands out each <objects> element of a RetrievePropertiesEx answer, each
// parsed on its own (a small document), and compacts `body` in place to what
// is left: the envelope and the token, which the caller parses as usual. A
// body with no objects is left as it is. Exposed for tests and the fuzzer.
void split_objects(WipedString& body, const ObjectCallback& each);

// Writes the <specSet> content (propSet and objectSet elements) of one
// PropertyFilterSpec.
using SpecWriter = std::function<void(RequestBuilder&)>;

// RetrievePropertiesEx with one filter spec, every page.
void retrieve(Session& s, const SpecWriter& spec, const Deadline& dl, const ObjectCallback& each);

// Properties of one object. A deleted object is the server's
// ManagedObjectNotFound, mapped by the fault table.
void retrieve_object(Session& s, std::string_view type, std::string_view moref,
                     const std::vector<std::string_view>& paths, const Deadline& dl, const ObjectCallback& each);

// Every object of `type` below `container` (a Folder or Datacenter), through
// a ContainerView that is destroyed afterwards.
void retrieve_container(Session& s, std::string_view container_type, std::string_view container,
                        std::string_view type, const std::vector<std::string_view>& paths, const Deadline& dl,
                        const ObjectCallback& each);

}  // namespace vix
