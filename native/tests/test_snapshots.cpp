#include <catch2/catch.hpp>

#include <string>

#include <tinyxml2.h>

#include "vix/errors.h"
#include "vix/vim/snapshots.h"
#include "vix/vim/vmconfig.h"

using namespace vix;

namespace {

std::string node(const std::string& moref, const std::string& name, const std::string& kids = "",
                 const std::string& state = "poweredOff") {
    return "<snapshot type=\"VirtualMachineSnapshot\">" + moref + "</snapshot><vm type=\"VirtualMachine\">vm-1</vm>"
           "<name>" + name + "</name><description>d " + name + "</description><id>1</id>"
           "<createTime>2024-01-01T00:00:00Z</createTime><state>" + state + "</state><quiesced>false</quiesced>" +
           kids;
}
std::string root(const std::string& body) { return "<rootSnapshotList>" + body + "</rootSnapshotList>"; }
std::string kid(const std::string& body) { return "<childSnapshotList>" + body + "</childSnapshotList>"; }

// Parses a VirtualMachineSnapshotInfo <val> as RetrievePropertiesEx gives it.
SnapshotTree parse(const std::string& inner) {
    const std::string xml = "<val xsi:type=\"VirtualMachineSnapshotInfo\">" + inner + "</val>";
    tinyxml2::XMLDocument doc;
    REQUIRE(doc.Parse(xml.data(), xml.size()) == tinyxml2::XML_SUCCESS);
    return parse_snapshot_tree(doc.RootElement());
}

//  base ─┬─ a ── x
//        ├─ b ── a
//        └─ x
//  other ── a
const std::string kTree =
    "<currentSnapshot type=\"VirtualMachineSnapshot\">snapshot-5</currentSnapshot>" +
    root(node("snapshot-1", "base",
              kid(node("snapshot-2", "a", kid(node("snapshot-3", "x")))) +
                  kid(node("snapshot-4", "b", kid(node("snapshot-5", "a", "", "poweredOn")))) +
                  kid(node("snapshot-6", "x")))) +
    root(node("snapshot-7", "other", kid(node("snapshot-8", "a"))));

std::string named(const SnapshotTree& t, const std::string& name, NamedLookup want) {
    int i = -2;
    REQUIRE(find_named(t, name, i) == want);
    if (want != NamedLookup::Found) {
        REQUIRE(i == -1);
        return {};
    }
    return t.nodes[i].moref;
}

}  // namespace

TEST_CASE("snapshots: the tree, its parents, children and current snapshot") {
    const SnapshotTree t = parse(kTree);
    REQUIRE(t.nodes.size() == 8);
    REQUIRE(t.roots.size() == 2);
    REQUIRE(t.current == "snapshot-5");
    const SnapshotNode& base = t.nodes[t.roots[0]];
    REQUIRE(base.name == "base");
    REQUIRE(base.description == "d base");
    REQUIRE(base.parent == -1);
    REQUIRE(base.children.size() == 3);
    REQUIRE(t.nodes[base.children[1]].name == "b");
    const int five = t.find("snapshot-5");
    REQUIRE(five >= 0);
    REQUIRE(t.nodes[five].state == "poweredOn");
    REQUIRE(t.nodes[t.nodes[five].parent].moref == "snapshot-4");
    REQUIRE(t.nodes[t.roots[1]].children.size() == 1);
    REQUIRE(t.find("snapshot-99") == -1);
}

TEST_CASE("snapshots: no snapshots at all") {
    const SnapshotTree none = parse_snapshot_tree(nullptr);
    REQUIRE(none.nodes.empty());
    REQUIRE(none.roots.empty());
    REQUIRE(none.current.empty());
    const SnapshotTree empty = parse("");
    REQUIRE(empty.roots.empty());
    int i;
    REQUIRE(find_named(empty, "a", i) == NamedLookup::None);
}

TEST_CASE("snapshots: a plain name matches anywhere in the tree") {
    const SnapshotTree t = parse(kTree);
    REQUIRE(named(t, "base", NamedLookup::Found) == "snapshot-1");
    REQUIRE(named(t, "b", NamedLookup::Found) == "snapshot-4");
    named(t, "a", NamedLookup::Several);  // snapshot-2, -5, -8
    named(t, "x", NamedLookup::Several);
    named(t, "nope", NamedLookup::None);
    named(t, "", NamedLookup::None);
    named(t, "Base", NamedLookup::None);  // names are case-sensitive
}

TEST_CASE("snapshots: a path is anchored at the roots, each level a direct child") {
    const SnapshotTree t = parse(kTree);
    REQUIRE(named(t, "base/a", NamedLookup::Found) == "snapshot-2");
    REQUIRE(named(t, "base/b/a", NamedLookup::Found) == "snapshot-5");
    REQUIRE(named(t, "base/a/x", NamedLookup::Found) == "snapshot-3");
    REQUIRE(named(t, "base/x", NamedLookup::Found) == "snapshot-6");
    REQUIRE(named(t, "other/a", NamedLookup::Found) == "snapshot-8");
    named(t, "b/a", NamedLookup::None);       // b is not a root
    named(t, "base/a/x/y", NamedLookup::None);
    named(t, "base//a", NamedLookup::None);   // an empty level names nothing
    named(t, "base/", NamedLookup::None);
    named(t, "/base", NamedLookup::None);
}

TEST_CASE("snapshots: duplicate paths are not unique") {
    // Two roots named r, each with a child c: "r/c" is ambiguous.
    const SnapshotTree t = parse(root(node("snapshot-1", "r", kid(node("snapshot-2", "c")))) +
                                 root(node("snapshot-3", "r", kid(node("snapshot-4", "c")))));
    named(t, "r/c", NamedLookup::Several);
    named(t, "r", NamedLookup::Several);
    // "x/x": a child with its parent's name.
    const SnapshotTree u = parse(root(node("snapshot-1", "x", kid(node("snapshot-2", "x")))));
    named(u, "x", NamedLookup::Several);
    REQUIRE(named(u, "x/x", NamedLookup::Found) == "snapshot-2");
}

TEST_CASE("snapshots: names keep their characters") {
    const SnapshotTree t = parse(root(node("snapshot-1", "a &amp; &lt;b&gt; \xC3\xBC")));
    REQUIRE(t.nodes[0].name == "a & <b> \xC3\xBC");
    REQUIRE(named(t, "a & <b> \xC3\xBC", NamedLookup::Found) == "snapshot-1");
}

TEST_CASE("snapshots: a tree nested too deeply is refused, not a stack overflow") {
    std::string inner = node("snapshot-leaf", "leaf");
    for (int i = 0; i < kMaxSnapshotDepth + 5; ++i) inner = node("snapshot-" + std::to_string(i), "n", kid(inner));
    try {
        parse(root(inner));
        FAIL("no error");
    } catch (const Error& e) {
        REQUIRE(e.code() == VIX_E_INVALID_XML);
    }
}

TEST_CASE("snapshots: a node without its managed object is refused") {
    try {
        parse(root("<name>a</name>"));
        FAIL("no error");
    } catch (const Error& e) {
        REQUIRE(e.code() == VIX_E_INVALID_XML);
    }
}

TEST_CASE("vmconfig: the last value wins where a server repeats a key; keys in any case") {
    VmConfig c;
    c.extra = {{"guestinfo.a", "1"}, {"GuestInfo.A", "2"}, {"guestinfo.b", ""}, {"guestinfo.ab", "x"}};
    std::string v;
    REQUIRE(extra_config_value(c, "guestinfo.a", v));
    REQUIRE(v == "2");
    REQUIRE(extra_config_value(c, "GUESTINFO.B", v));
    REQUIRE(v.empty());
    REQUIRE_FALSE(extra_config_value(c, "guestinfo.", v));
    REQUIRE_FALSE(extra_config_value(c, "guestinfo.abc", v));
}
