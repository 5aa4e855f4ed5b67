#include "vix/vim/properties.h"

#include <tinyxml2.h>

#include "vix/errors.h"

#include <cctype>
#include <cstring>

namespace vix {

using tinyxml2::XMLElement;

// Real servers page at their own size whatever we ask; this only caps what
// one page may hold where a server honours it.
static constexpr std::string_view kPageObjects = "1000";

const XMLElement* ObjectProps::get(std::string_view path) const {
    for (const auto& [name, val] : props)
        if (name == path) return val;
    return nullptr;
}

std::string ObjectProps::text(std::string_view path) const {
    const XMLElement* v = get(path);
    const char* t = v ? v->GetText() : nullptr;
    return t ? t : "";
}

std::vector<std::string> moref_list(const XMLElement* val) {
    std::vector<std::string> out;
    if (!val) return out;
    for (const XMLElement* e = val->FirstChildElement(); e; e = e->NextSiblingElement())
        if (const char* t = e->GetText()) out.emplace_back(t);
    return out;
}

// One <objects> element: its object and the properties the server sent.
static ObjectProps read_object(const XMLElement* e) {
    ObjectProps o;
    for (const XMLElement* p = e->FirstChildElement(); p; p = p->NextSiblingElement()) {
        const std::string_view pn = local_name(p->Name());
        if (pn == "obj") {
            const char* t = p->GetText();
            const char* ty = p->Attribute("type");
            o.moref = t ? t : "";
            o.type = ty ? ty : "";
        } else if (pn == "propSet") {
            const XMLElement* n = child(p, "name");
            const char* nt = n ? n->GetText() : nullptr;
            if (nt) o.props.emplace_back(nt, child(p, "val"));
        }  // missingSet: a property the server could not read stays absent
    }
    return o;
}

std::string each_object(const XMLElement* result, const ObjectCallback& each) {
    std::string token;
    if (!result) return token;
    for (const XMLElement* e = result->FirstChildElement(); e; e = e->NextSiblingElement()) {
        const std::string_view name = local_name(e->Name());
        if (name == "token") {
            if (const char* t = e->GetText()) token = t;
            continue;
        }
        if (name != "objects") continue;
        each(read_object(e));
    }
    return token;
}

// Where the next <objects> (or <prefix:objects>) start tag begins at or
// after `from`, with its prefix; npos when there is none. Text cannot hold
// a raw '<', so every match is a tag.
static std::size_t find_objects_tag(const WipedString& body, std::size_t from, std::string& prefix) {
    constexpr std::string_view kName = "objects";
    for (std::size_t p = body.find(kName.data(), from, kName.size()); p != WipedString::npos;
         p = body.find(kName.data(), p + 1, kName.size())) {
        const std::size_t after = p + kName.size();
        if (after >= body.size()) return WipedString::npos;
        const char c = body[after];
        if (c != '>' && c != '/' && c != ' ' && c != '\t' && c != '\r' && c != '\n') continue;
        if (p == 0) continue;
        if (body[p - 1] == '<') {
            prefix.clear();
            return p - 1;
        }
        if (body[p - 1] != ':') continue;
        std::size_t q = p - 1;  // walk back over the prefix to its '<'
        while (q > 0 && (std::isalnum(static_cast<unsigned char>(body[q - 1])) || body[q - 1] == '_' ||
                         body[q - 1] == '-' || body[q - 1] == '.'))
            --q;
        if (q == 0 || q == p - 1 || body[q - 1] != '<') continue;
        prefix.assign(body.data() + q, p - 1 - q);
        return q - 1;
    }
    return WipedString::npos;
}

void split_objects(WipedString& body, const ObjectCallback& each) {
    tinyxml2::XMLDocument doc(true, tinyxml2::PRESERVE_WHITESPACE);
    std::string prefix;
    std::size_t kept = 0;  // the skeleton is written over the front of the body
    std::size_t pos = 0;
    const auto keep = [&](std::size_t from, std::size_t to) {
        if (from != kept) std::memmove(&body[kept], &body[from], to - from);
        kept += to - from;
    };
    // Bounded: each round consumes at least one object's bytes.
    for (;;) {
        const std::size_t open = find_objects_tag(body, pos, prefix);
        if (open == WipedString::npos) break;
        const std::size_t gt = body.find('>', open);
        if (gt == WipedString::npos) break;
        std::size_t end;
        if (body[gt - 1] == '/') {
            end = gt + 1;  // <objects/>: no object at all
        } else {
            const std::string close = "</" + (prefix.empty() ? std::string() : prefix + ":") + "objects>";
            const std::size_t c = body.find(close.data(), gt, close.size());
            if (c == WipedString::npos) break;  // left in the skeleton: the parse judges it
            end = c + close.size();
        }
        keep(pos, open);
        if (body[gt - 1] != '/') {
            if (doc.Parse(body.data() + open, end - open) != tinyxml2::XML_SUCCESS)
                throw Error(VIX_E_INVALID_XML, std::string("RetrievePropertiesEx: an object is not well-formed XML: ") +
                                                   doc.ErrorName());
            each(read_object(doc.RootElement()));
        }
        pos = end;
    }
    if (pos == 0) return;  // nothing taken out
    keep(pos, body.size());
    body.resize(kept);
}

void retrieve(Session& s, const SpecWriter& spec, const Deadline& dl, const ObjectCallback& each) {
    const std::string& pc = s.content().property_collector;
    // Objects are handed out as they are cut from the answer; the rest (the
    // envelope, the token, a fault) is parsed as usual.
    const BodyFilter split = [&](WipedString& body) { split_objects(body, each); };
    std::string token;
    {
        Secret req;
        RequestBuilder b(req, "RetrievePropertiesEx", "PropertyCollector", pc);
        b.open("specSet");
        spec(b);
        b.close("specSet");
        b.open("options").text("maxObjects", kPageObjects).close("options");
        b.finish();
        Reply reply = s.call("RetrievePropertiesEx", req, dl, nullptr, split);
        token = each_object(reply.returnval(), each);
    }
    // Bounded by the deadline: each page is one request under it.
    while (!token.empty()) {
        Secret req;
        RequestBuilder b(req, "ContinueRetrievePropertiesEx", "PropertyCollector", pc);
        b.text("token", token).finish();
        Reply reply = s.call("ContinueRetrievePropertiesEx", req, dl, nullptr, split);
        token = each_object(reply.returnval(), each);
    }
}

static void prop_set(RequestBuilder& b, std::string_view type, const std::vector<std::string_view>& paths) {
    b.open("propSet").text("type", type);
    for (std::string_view p : paths) b.text("pathSet", p);
    b.close("propSet");
}

void retrieve_object(Session& s, std::string_view type, std::string_view moref,
                     const std::vector<std::string_view>& paths, const Deadline& dl, const ObjectCallback& each) {
    retrieve(
        s,
        [&](RequestBuilder& b) {
            prop_set(b, type, paths);
            b.open("objectSet").moref("obj", type, moref).text("skip", "false").close("objectSet");
        },
        dl, each);
}

void retrieve_container(Session& s, std::string_view container_type, std::string_view container,
                        std::string_view type, const std::vector<std::string_view>& paths, const Deadline& dl,
                        const ObjectCallback& each) {
    std::string view;
    {
        Secret req;
        RequestBuilder b(req, "CreateContainerView", "ViewManager", s.content().view_manager);
        b.moref("container", container_type, container).text("type", type).text("recursive", "true").finish();
        Reply reply = s.call("CreateContainerView", req, dl);
        const char* t = reply.returnval() ? reply.returnval()->GetText() : nullptr;
        if (!t || !*t) throw Error(VIX_E_INVALID_XML, "CreateContainerView: the answer names no view");
        view = t;
    }
    retrieve(
        s,
        [&](RequestBuilder& b) {
            prop_set(b, type, paths);
            b.open("objectSet").moref("obj", "ContainerView", view).text("skip", "true");
            b.open("selectSet", "TraversalSpec")
                .text("name", "view")
                .text("type", "ContainerView")
                .text("path", "view")
                .text("skip", "false")
                .close("selectSet");
            b.close("objectSet");
        },
        dl, each);
    // A view left behind lives until the session ends; not worth failing for.
    try {
        Secret req;
        RequestBuilder(req, "DestroyView", "ContainerView", view).finish();
        s.call("DestroyView", req, dl);
    } catch (const Error&) {
    }
}

}  // namespace vix
