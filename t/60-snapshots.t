#!/usr/bin/perl
# Snapshots (SPEC-VM 12, 13, 17.5, 17.6) against the simulator; the server's
# tree is checked by an independent client (pyvmomi, t/lib/witness_snap.py).
use strict;
use warnings;
use utf8;
use Test::More;
use lib 't/lib';
use VixTest;
use WitnessSnap;
use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail);
use VMware::Vix::API::Constants;

sandbox();
witness_ok();
binmode(Test::More->builder->$_, ':encoding(UTF-8)') for qw(output failure_output todo_output);

my $PASSWORD = 'Sn4p-s3cret!pw';
my $sim = start_sim(model => 'vpx', password => $PASSWORD);
my @details;    # every failure detail: none may hold the password
sub detail { my $d = GetLastErrorDetail(); push @details, $d; $d }

my ($err, $host) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $sim->{url}, 0,
                               $sim->{user}, $PASSWORD, 0, VIX_INVALID_HANDLE);
is($err, VIX_OK, 'connected') or BAIL_OUT(GetLastErrorDetail());
my (undef, @vmx) = FindItems($host, VIX_FIND_REGISTERED_VMS, 0);
my ($vmx) = grep { m{/DC0_H0_VM1\.vmx\z} } @vmx or BAIL_OUT('no DC0_H0_VM1 in the simulator');
my ($vmx2) = grep { m{/DC0_H0_VM0\.vmx\z} } @vmx;
(my $e, my $vm) = VMOpen($host, $vmx);
is($e, VIX_OK, "opened $vmx");

sub name_of {
    my ($snap) = @_;
    my ($e, $name) = GetProperties($snap, VIX_PROPERTY_SNAPSHOT_DISPLAYNAME);
    return $e == VIX_OK ? $name : "error $e: " . detail();
}

# ---- nothing yet ----
is_deeply([VMGetNumRootSnapshots($vm)], [VIX_OK, 0], 'no root snapshots at first');
is_deeply([VMGetCurrentSnapshot($vm)], [VIX_E_SNAPSHOT_NOTFOUND, VIX_INVALID_HANDLE], 'no current snapshot');
like(detail(), qr/VMGetCurrentSnapshot .*DC0_H0_VM1\.vmx/, 'detail names the call and the VM');
is_deeply([VMGetNamedSnapshot($vm, 'base')], [VIX_E_SNAPSHOT_NOTFOUND, 0], 'no named snapshot');
is_deeply([VMGetRootSnapshot($vm, 0)], [VIX_E_INVALID_ARG, 0], 'root 0 of none is out of range');

# ---- create: base ── child1; revert to base; base ── child2 ----
(my $ce, my $base) = VMCreateSnapshot($vm, 'base', 'the base <&>', 0, VIX_INVALID_HANDLE);
is($ce, VIX_OK, 'VMCreateSnapshot base') or diag detail();
ok($base > 0, 'a snapshot handle');
is(GetHandleType($base), VIX_HANDLETYPE_SNAPSHOT, 'of type VIX_HANDLETYPE_SNAPSHOT');
is_deeply([witness_tree($sim, $vmx)], ['base:0*'], 'witness: base is the current snapshot');

my ($pe, @props) = GetProperties($base, VIX_PROPERTY_SNAPSHOT_DISPLAYNAME, VIX_PROPERTY_SNAPSHOT_DESCRIPTION,
                                 VIX_PROPERTY_SNAPSHOT_POWERSTATE, VIX_PROPERTY_SNAPSHOT_IS_REPLAYABLE);
is($pe, VIX_OK, 'snapshot properties');
my (undef, $vm_state) = GetProperties($vm, VIX_PROPERTY_VM_POWER_STATE);
is_deeply(\@props, ['base', 'the base <&>', $vm_state, 0], 'name, description, power state as the VM, not replayable');
is_deeply([GetProperties($base, VIX_PROPERTY_VM_NAME)], [VIX_E_UNRECOGNIZED_PROPERTY], 'a VM property is not a snapshot property');

(my $c1e, my $child1) = VMCreateSnapshot($vm, 'child1', undef, VIX_SNAPSHOT_INCLUDE_MEMORY, undef);
is($c1e, VIX_OK, 'VMCreateSnapshot child1 (memory, undef description)');
is_deeply([GetProperties($child1, VIX_PROPERTY_SNAPSHOT_DESCRIPTION)], [VIX_OK, ''], 'undef description is ""');
is(VMRevertToSnapshot($vm, $base, 0, VIX_INVALID_HANDLE), VIX_OK, 'VMRevertToSnapshot base') or diag detail();
is_deeply([witness_tree($sim, $vmx)], ['base:0*', 'child1:1'], 'witness: reverted to base');
(my $c2e, my $child2) = VMCreateSnapshot($vm, 'child2', 'two', 0, 0);
is($c2e, VIX_OK, 'VMCreateSnapshot child2');
is_deeply([witness_tree($sim, $vmx)], ['base:0', 'child1:1', 'child2:1*'], 'witness: the tree after create, revert, create');

(my $de, my $dflt) = VMCreateSnapshot($vm, undef, undef, 0, 0);
is($de, VIX_OK, 'VMCreateSnapshot with undef name');
is(name_of($dflt), 'Snapshot', 'undef name is "Snapshot"');
is(VMRemoveSnapshot($vm, $dflt, 0), VIX_OK, 'removed it again');

# ---- walking the tree ----
is_deeply([VMGetNumRootSnapshots($vm)], [VIX_OK, 1], 'one root');
my ($re, $root) = VMGetRootSnapshot($vm, 0);
is($re, VIX_OK, 'VMGetRootSnapshot 0');
is(name_of($root), 'base', 'the root is base');
isnt($root, $base, 'a new handle for the same snapshot');
is_deeply([VMGetRootSnapshot($vm, 1)], [VIX_E_INVALID_ARG, 0], 'root index out of range');
is_deeply([VMGetRootSnapshot($vm, -1)], [VIX_E_INVALID_ARG, 0], 'negative root index');
my ($cur_e, $cur) = VMGetCurrentSnapshot($vm);
is($cur_e, VIX_OK, 'VMGetCurrentSnapshot');
is(name_of($cur), 'child2', 'current is child2');
is_deeply([SnapshotGetNumChildren($base)], [VIX_OK, 2], 'base has two children');
is(name_of((SnapshotGetChild($base, 0))[1]), 'child1', 'child 0 is child1');
is(name_of((SnapshotGetChild($base, 1))[1]), 'child2', 'child 1 is child2');
is_deeply([SnapshotGetChild($base, 2)], [VIX_E_INVALID_ARG, 0], 'child index out of range');
is_deeply([SnapshotGetNumChildren($child1)], [VIX_OK, 0], 'child1 has none');
my ($par_e, $par) = SnapshotGetParent($child1);
is($par_e, VIX_OK, 'SnapshotGetParent');
is(name_of($par), 'base', 'parent of child1 is base');
is_deeply([SnapshotGetParent($base)], [VIX_OK, VIX_INVALID_HANDLE], 'parent of a root: VIX_OK and VIX_INVALID_HANDLE');

# ---- named lookups: a name anywhere, a path from the roots, duplicates ----
is(name_of((VMGetNamedSnapshot($vm, 'child1'))[1]), 'child1', 'a name anywhere in the tree');
is(name_of((VMGetNamedSnapshot($vm, 'base/child2'))[1]), 'child2', 'a path');
is_deeply([VMGetNamedSnapshot($vm, 'child1/base')], [VIX_E_SNAPSHOT_NOTFOUND, 0], 'a path that is not in the tree');
is_deeply([VMGetNamedSnapshot($vm, 'child2/x')], [VIX_E_SNAPSHOT_NOTFOUND, 0], 'a path not anchored at a root');
is(VMRevertToSnapshot($vm, $child1, VIX_VMPOWEROP_SUPPRESS_SNAPSHOT_POWERON, 0), VIX_OK, 'revert to child1 (suppress power on)');
my ($d1e, $dup1) = VMCreateSnapshot($vm, 'dup', '', 0, 0);
my ($d2e, $dup2) = VMCreateSnapshot($vm, 'dup', '', 0, 0);
is("$d1e $d2e", '0 0', 'two snapshots named dup, one below the other');
is_deeply([witness_tree($sim, $vmx)], ['base:0', 'child1:1', 'dup:2', 'dup:3*', 'child2:1'], 'witness: dup/dup below child1');
is_deeply([VMGetNamedSnapshot($vm, 'dup')], [VIX_E_SNAPSHOT_NONUNIQUE_NAME, 0], 'a duplicate name → 13017');
is(VIX_E_SNAPSHOT_NONUNIQUE_NAME, 13017, '(which is 13017)');
like(detail(), qr/several snapshots are named "dup"/, 'detail says why');
my ($pathe, $deep) = VMGetNamedSnapshot($vm, 'base/child1/dup/dup');
is($pathe, VIX_OK, 'the path tells them apart');
is_deeply([SnapshotGetNumChildren($deep)], [VIX_OK, 0], 'and names the lower one');
my ($upe, $upper) = VMGetNamedSnapshot($vm, 'base/child1/dup');
is_deeply([$upe, SnapshotGetNumChildren($upper)], [VIX_OK, VIX_OK, 1], 'and the upper one');

# ---- names with XML specials and non-ASCII round-trip ----
my $odd = "Ünï <çødé> & \"☃\"";
my ($oe, $oddsnap) = VMCreateSnapshot($vm, $odd, $odd, 0, 0);
is($oe, VIX_OK, 'a snapshot with an odd name');
is(name_of($oddsnap), $odd, 'its name comes back as characters');
ok(utf8::is_utf8(name_of($oddsnap)), '(a character string)');
is_deeply([witness_tree($sim, $vmx)], ['base:0', 'child1:1', 'dup:2', 'dup:3', "$odd:4*", 'child2:1'],
          'witness sees the same name');
is(name_of((VMGetNamedSnapshot($vm, $odd))[1]), $odd, 'found by that name');

# ---- remove: a leaf, a node without its children, a node with them ----
is(VMRemoveSnapshot($vm, $oddsnap, 0), VIX_OK, 'remove a leaf');
is_deeply([witness_tree($sim, $vmx)], ['base:0', 'child1:1', 'dup:2', 'dup:3*', 'child2:1'], 'witness: the leaf is gone');
is(GetHandleType($oddsnap), VIX_HANDLETYPE_SNAPSHOT, 'its handle stays a snapshot handle');
my $before = () = sim_methods($sim);
is_deeply([GetProperties($oddsnap, VIX_PROPERTY_SNAPSHOT_DISPLAYNAME)], [VIX_E_SNAPSHOT_NOTFOUND], 'GetProperties on it: VIX_E_SNAPSHOT_NOTFOUND');
is_deeply([SnapshotGetParent($oddsnap)], [VIX_E_SNAPSHOT_NOTFOUND, 0], 'SnapshotGetParent on it');
is_deeply([SnapshotGetNumChildren($oddsnap)], [VIX_E_SNAPSHOT_NOTFOUND], 'SnapshotGetNumChildren on it');
is(VMRevertToSnapshot($vm, $oddsnap, 0, 0), VIX_E_SNAPSHOT_NOTFOUND, 'VMRevertToSnapshot to it');
is(VMRemoveSnapshot($vm, $oddsnap, 0), VIX_E_SNAPSHOT_NOTFOUND, 'VMRemoveSnapshot of it again');
is(scalar(() = sim_methods($sim)), $before, 'none of that reached the server');

is(VMRemoveSnapshot($vm, $dup1, 0), VIX_OK, 'remove the upper dup, keeping its child');
is_deeply([witness_tree($sim, $vmx)], ['base:0', 'child1:1', 'dup:2*', 'child2:1'], 'witness: its child moved up');
is(name_of((VMGetNamedSnapshot($vm, 'dup'))[1]), 'dup', 'now one dup');
is(name_of((SnapshotGetParent($dup2))[1]), 'child1', 'its parent is child1 now');

is(VMRemoveSnapshot($vm, $base, VIX_SNAPSHOT_REMOVE_CHILDREN), VIX_OK, 'remove base with its children');
is_deeply([witness_tree($sim, $vmx)], [], 'witness: no snapshots left');
is_deeply([SnapshotGetNumChildren($child2)], [VIX_E_SNAPSHOT_NOTFOUND], "a removed child's handle: VIX_E_SNAPSHOT_NOTFOUND");
is_deeply([GetProperties($dup2, VIX_PROPERTY_SNAPSHOT_DISPLAYNAME)], [VIX_E_SNAPSHOT_NOTFOUND], 'and a grandchild');
is_deeply([VMGetNumRootSnapshots($vm)], [VIX_OK, 0], 'no roots');
is_deeply([VMGetCurrentSnapshot($vm)], [VIX_E_SNAPSHOT_NOTFOUND, 0], 'no current snapshot');

# ---- return shapes (SPEC-VM 9) ----
{
    my ($only) = VMGetNumRootSnapshots($vm);
    is($only, VIX_OK, 'my ($e) = VMGetNumRootSnapshots(...)');
    my @v = VMGetNumRootSnapshots($vm);
    my $e = shift @v;
    is_deeply([$e, @v], [VIX_OK, 0], '@v = ...; $e = shift @v');
    is(scalar(my @f = SnapshotGetNumChildren($child2)), 1, 'a failing count returns $err only');
    is(scalar(my @g = VMGetCurrentSnapshot($vm)), 2, 'a failing handle call returns $err and VIX_INVALID_HANDLE');
}

# ---- a snapshot of another VM ----
if ($vmx2) {
    my (undef, $other) = VMOpen($host, $vmx2);
    my ($oe2, $osnap) = VMCreateSnapshot($other, 'other', '', 0, 0);
    is($oe2, VIX_OK, 'a snapshot of another VM');
    my $n = () = sim_methods($sim);
    is(VMRemoveSnapshot($vm, $osnap, 0), VIX_E_INVALID_ARG, 'is not removed through this VM: VIX_E_INVALID_ARG');
    like(detail(), qr/belongs to .*DC0_H0_VM0/, 'detail names the VM it belongs to');
    is(VMRevertToSnapshot($vm, $osnap, 0, 0), VIX_E_INVALID_ARG, 'nor reverted to');
    is(scalar(() = sim_methods($sim)), $n, 'nothing sent');
    is_deeply([witness_tree($sim, $vmx2)], ['other:0*'], 'witness: it is still there');
    is(VMRemoveSnapshot($other, $osnap, 0), VIX_OK, 'removed through its own VM');

    # A child removed with its parent, named by a handle we had not marked:
    # the server itself must refuse it.
    my (undef, $p) = VMCreateSnapshot($other, 'p', '', 0, 0);
    my (undef, $c) = VMCreateSnapshot($other, 'c', '', 0, 0);
    is(VMRemoveSnapshot($other, $p, VIX_SNAPSHOT_REMOVE_CHILDREN), VIX_OK, 'remove p with its child c');
    TODO: {
        # govmomi 0.24.2 forgets only the removed snapshot's own object, so
        # a revert to its child still "succeeds" there (vSphere:
        # ManagedObjectNotFound); the snapshot table row maps it.
        local $TODO = 'govmomi 0.24.2 keeps the objects of removed children';
        is(VMRevertToSnapshot($other, $c, 0, 0), VIX_E_SNAPSHOT_NOTFOUND, 'revert to a removed child: VIX_E_SNAPSHOT_NOTFOUND');
    }
}

# ---- bad input: a clear code, nothing sent ----
my ($se, $snap) = VMCreateSnapshot($vm, 's', '', 0, 0);
is($se, VIX_OK, 'a snapshot for the bad-input checks');
my (undef, $stale) = VMCreateSnapshot($vm, 'stale', '', 0, 0);
ReleaseHandle($stale);
my $nomethods = () = sim_methods($sim);
my $huge = 2**70;
my @bad = (
    # [name, code, sub returning the error]
    ['create: VM handle 0', VIX_E_INVALID_HANDLE, sub { VMCreateSnapshot(0, 'a', '', 0, 0) }],
    ['create: released handle', VIX_E_INVALID_HANDLE, sub { VMCreateSnapshot($stale, 'a', '', 0, 0) }],
    ['create: a snapshot handle for the VM', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMCreateSnapshot($snap, 'a', '', 0, 0) }],
    ['create: a host handle for the VM', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMCreateSnapshot($host, 'a', '', 0, 0) }],
    ['create: name a reference', VIX_E_INVALID_ARG, sub { VMCreateSnapshot($vm, [], '', 0, 0) }],
    ['create: name with NUL', VIX_E_INVALID_ARG, sub { VMCreateSnapshot($vm, "a\0b", '', 0, 0) }],
    ['create: name invalid UTF-8', VIX_E_INVALID_UTF8_STRING, sub { VMCreateSnapshot($vm, "\xff\xfe", '', 0, 0) }],
    ['create: description a hash', VIX_E_INVALID_ARG, sub { VMCreateSnapshot($vm, 'a', {}, 0, 0) }],
    ['create: description invalid UTF-8', VIX_E_INVALID_UTF8_STRING, sub { VMCreateSnapshot($vm, 'a', "\xc0\x80", 0, 0) }],
    ['create: unknown option bit', VIX_E_INVALID_ARG, sub { VMCreateSnapshot($vm, 'a', '', 1, 0) }],
    ['create: huge options', VIX_E_INVALID_ARG, sub { VMCreateSnapshot($vm, 'a', '', $huge, 0) }],
    ['create: options a string', VIX_E_INVALID_ARG, sub { VMCreateSnapshot($vm, 'a', '', 'memory', 0) }],
    ['create: property list', VIX_E_INVALID_ARG, sub { VMCreateSnapshot($vm, 'a', '', 0, 5) }],
    ['create: first failing rule wins', VIX_E_INVALID_ARG, sub { VMCreateSnapshot($vm, [], "\xff", 0, 0) }],
    ['remove: VM handle undef', VIX_E_INVALID_HANDLE, sub { VMRemoveSnapshot(undef, $snap, 0) }],
    ['remove: snapshot handle 0', VIX_E_INVALID_HANDLE, sub { VMRemoveSnapshot($vm, 0, 0) }],
    ['remove: snapshot handle a ref', VIX_E_INVALID_HANDLE, sub { VMRemoveSnapshot($vm, \1, 0) }],
    ['remove: released snapshot', VIX_E_INVALID_HANDLE, sub { VMRemoveSnapshot($vm, $stale, 0) }],
    ['remove: a VM handle as snapshot', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMRemoveSnapshot($vm, $vm, 0) }],
    ['remove: snapshot and VM swapped', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMRemoveSnapshot($snap, $vm, 0) }],
    ['remove: unknown option', VIX_E_INVALID_ARG, sub { VMRemoveSnapshot($vm, $snap, 2) }],
    ['remove: negative option', VIX_E_INVALID_ARG, sub { VMRemoveSnapshot($vm, $snap, -1) }],
    ['revert: unknown option', VIX_E_INVALID_ARG, sub { VMRevertToSnapshot($vm, $snap, VIX_VMPOWEROP_FROM_GUEST, 0) }],
    ['revert: START_VM_PAUSED', VIX_E_INVALID_ARG, sub { VMRevertToSnapshot($vm, $snap, VIX_VMPOWEROP_START_VM_PAUSED, 0) }],
    ['revert: property list', VIX_E_INVALID_ARG, sub { VMRevertToSnapshot($vm, $snap, 0, 'x') }],
    ['revert: host handle', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMRevertToSnapshot($vm, $host, 0, 0) }],
    ['num roots: handle 0', VIX_E_INVALID_HANDLE, sub { VMGetNumRootSnapshots(0) }],
    ['num roots: snapshot handle', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMGetNumRootSnapshots($snap) }],
    ['root: index undef', VIX_E_INVALID_ARG, sub { VMGetRootSnapshot($vm, undef) }],
    ['root: index a string', VIX_E_INVALID_ARG, sub { VMGetRootSnapshot($vm, 'one') }],
    ['root: index huge', VIX_E_INVALID_ARG, sub { VMGetRootSnapshot($vm, $huge) }],
    ['root: index 1.5', VIX_E_INVALID_ARG, sub { VMGetRootSnapshot($vm, 1.5) }],
    ['root: index negative', VIX_E_INVALID_ARG, sub { VMGetRootSnapshot($vm, -5) }],
    ['root: host handle', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMGetRootSnapshot($host, 0) }],
    ['current: released', VIX_E_INVALID_HANDLE, sub { VMGetCurrentSnapshot($stale) }],
    ['named: undef', VIX_E_INVALID_ARG, sub { VMGetNamedSnapshot($vm, undef) }],
    ['named: empty', VIX_E_INVALID_ARG, sub { VMGetNamedSnapshot($vm, '') }],
    ['named: a ref', VIX_E_INVALID_ARG, sub { VMGetNamedSnapshot($vm, [1]) }],
    ['named: NUL', VIX_E_INVALID_ARG, sub { VMGetNamedSnapshot($vm, "s\0") }],
    ['named: invalid UTF-8', VIX_E_INVALID_UTF8_STRING, sub { VMGetNamedSnapshot($vm, "s\xe2\x82") }],
    ['named: snapshot handle', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { VMGetNamedSnapshot($snap, 's') }],
    ['children: VM handle', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { SnapshotGetNumChildren($vm) }],
    ['children: 0', VIX_E_INVALID_HANDLE, sub { SnapshotGetNumChildren(0) }],
    ['child: index undef', VIX_E_INVALID_ARG, sub { SnapshotGetChild($snap, undef) }],
    ['child: index a ref', VIX_E_INVALID_ARG, sub { SnapshotGetChild($snap, {}) }],
    ['child: index negative', VIX_E_INVALID_ARG, sub { SnapshotGetChild($snap, -1) }],
    ['child: host handle', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { SnapshotGetChild($host, 0) }],
    ['parent: released', VIX_E_INVALID_HANDLE, sub { SnapshotGetParent($stale) }],
    ['parent: a string', VIX_E_INVALID_HANDLE, sub { SnapshotGetParent('abc') }],
    ['parent: huge', VIX_E_INVALID_HANDLE, sub { SnapshotGetParent($huge) }],
    ['parent: VM handle', VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE, sub { SnapshotGetParent($vm) }],
);
for my $b (@bad) {
    my ($name, $code, $call) = @$b;
    my @r = $call->();
    is($r[0], $code, "bad input: $name") or diag detail();
    detail();
}
is(scalar(() = sim_methods($sim)), $nomethods, 'no bad input reached the server');
ok(!eval { VMGetRootSnapshot($vm); 1 }, 'a missing argument dies with a usage message');
is(VMRemoveSnapshot($vm, $snap, 0), VIX_OK, 'the snapshot for the checks is removed');

# ---- the host handle owns its snapshot handles ----
my (undef, $last) = VMCreateSnapshot($vm, 'last', '', 0, 0);
is(GetHandleType($last), VIX_HANDLETYPE_SNAPSHOT, 'a live snapshot handle');
ReleaseHandle($last);
is(GetHandleType($last), VIX_HANDLETYPE_NONE, 'ReleaseHandle frees it');
ReleaseHandle($last);
pass('a second ReleaseHandle is silent');
my (undef, $last2) = VMGetNamedSnapshot($vm, 'last');
HostDisconnect($host);
is(GetHandleType($last2), VIX_HANDLETYPE_NONE, 'HostDisconnect invalidates snapshot handles');
is_deeply([SnapshotGetParent($last2)], [VIX_E_INVALID_HANDLE, 0], 'calls on them: VIX_E_INVALID_HANDLE');

# ---- examples/snapshot-revert.pl, run twice: takes the snapshot, then reuses it ----
{
    my ($exvmx) = grep { m{/DC0_C0_RP0_VM0\.vmx\z} } @vmx;
    my $example = VixTest::repo_root() . '/examples/snapshot-revert.pl';
    local $ENV{VIX_PASSWORD} = $PASSWORD;
    local $ENV{VIX_USER} = $sim->{user};
    my $out = qx{$^X -Mblib $example $sim->{url} '$exvmx' clean 2>&1};
    is($?, 0, 'examples/snapshot-revert.pl exits 0') or diag $out;
    like($out, qr/taking it now.*reverted.*is running from snapshot "clean"/s, 'it took the snapshot, reverted and powered on');
    $out = qx{$^X -Mblib $example $sim->{url} '$exvmx' clean 2>&1};
    is($?, 0, 'a second run exits 0') or diag $out;
    unlike($out, qr/taking it now/, 'and reuses the snapshot');
    is_deeply([witness_tree($sim, $exvmx)], ['clean:0*'], 'witness: one snapshot "clean", current');
}

# ---- no secret in any detail ----
is((grep { index($_, $PASSWORD) >= 0 } @details), 0, 'no detail holds the password (' . @details . ' details)');

done_testing;
