#!/usr/bin/perl
# Bad-input matrix for the VM layer (SPEC 2, SPEC-VM 9, 17.4): every new
# function gets hostile values for every parameter. Each case gives a clear
# code, never a crash or a die, and sends NOTHING to the server (the
# simulator's method log does not grow). Rules are checked in parameter
# order: the handle first, then the parameters; the first failure decides.
use strict;
use warnings;
use lib 't/lib';

use Test::More;

use VixTest;
use VMware::Vix::Simple qw(:DEFAULT GetLastErrorDetail);
use VMware::Vix::API::Constants;

no warnings qw(numeric uninitialized);

sandbox();
my $sim = start_sim(model => 'vpx');
my ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $sim->{url}, 0,
                            $sim->{user}, $sim->{password}, 0, VIX_INVALID_HANDLE);
is($err, VIX_OK, 'HostConnect') or BAIL_OUT('no host');
my @r = FindItems($h, VIX_FIND_REGISTERED_VMS, 0);
my $PATH = $r[1];
my ($e, $VM) = VMOpen($h, $PATH);
is($e, VIX_OK, 'VMOpen') or BAIL_OUT('no VM');

# Stale handles: a released VM handle, and a VM handle of a disconnected host.
my (undef, $released) = VMOpen($h, $PATH);
ReleaseHandle($released);
my ($e2, $h2) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_VI_SERVER, $sim->{url}, 0,
                            $sim->{user}, $sim->{password}, 0, VIX_INVALID_HANDLE);
my (undef, $orphan) = VMOpen($h2, $PATH);
HostDisconnect($h2);
is(GetHandleType($orphan), VIX_HANDLETYPE_NONE, 'the orphan VM handle is stale');

my $BAD8 = "\xff\xfe";
my $HUGE = 2**70;
my @REFS = ([], {}, \1, sub { 1 });

# Handle values that are not live handles.
my @STALE = ([0, 'zero'], [undef, 'undef'], [$released, 'released VM handle'],
             [$orphan, 'VM handle of a disconnected host'], [$h2, 'disconnected host'],
             [$HUGE, '2**70'], [-$HUGE, '-2**70'], [1.5, '1.5'], ['abc', '"abc"'],
             [-1, '-1'], [0x7fffffff, 'INT_MAX'], (map { [$_, ref($_) . ' ref'] } @REFS));

# Bad integer values (options, searchType, timeout, property list).
my @BADINT = ([$HUGE, '2**70'], [-$HUGE, '-2**70'], [1.5, '1.5'], ['abc', '"abc"'], ['1x', '"1x"'],
              [9**9**9, 'inf'], (map { [$_, ref($_) . ' ref'] } @REFS));
# Bad strings (paths): the code each gives.
my @BADSTR = ([$BAD8, 'invalid UTF-8', VIX_E_INVALID_UTF8_STRING], ["[LocalDS_0] a\0b.vmx", 'NUL', VIX_E_INVALID_ARG],
              (map { [$_, ref($_) . ' ref', VIX_E_INVALID_ARG] } @REFS));

my $CASES = 0;
sub case {
    my ($label, $fn, $args, $want) = @_;
    my $before = scalar sim_methods($sim);
    # In this process: after fork the child would not own the handles
    # (SPEC 7), so a crash here ends the test file, which is a failure too.
    my (@ret, $croak, @w);
    {
        local $SIG{__WARN__} = sub { push @w, @_ };
        no strict 'refs';
        eval { @ret = &{"VMware::Vix::Simple::$fn"}(@$args); 1 } or $croak = $@ || 'died';
    }
    my $res = { ret => \@ret, croak => $croak, detail => GetLastErrorDetail() };
    $CASES++;
    ok(!defined $res->{croak}, "$fn($label): no die") or diag("died: $res->{croak}");
    @ret = @{ $res->{ret} || [] };
    is($ret[0], $want, "$fn($label) -> $want") or diag('detail: ' . ($res->{detail} // ''));
    my %shape = (VMOpen => 2, HostOpenVM => 2);
    is(scalar @ret, $shape{$fn} // 1, "$fn($label): failure shape") ;
    is($ret[1], VIX_INVALID_HANDLE, "$fn($label): no handle") if $shape{$fn};
    is(scalar sim_methods($sim), $before, "$fn($label): nothing sent");
}

# Each function: its arguments when everything is valid except that the
# server would have to be asked, and the index of each kind of parameter.
# [name, handle kind, [valid args after the handle], {param index => kind}]
my @FNS = (
    ['FindItems',      'host', [VIX_FIND_REGISTERED_VMS, 0], { 0 => 'searchtype', 1 => 'int' }],
    ['FindRunningVMs', 'host', [0],                          { 0 => 'int' }],
    ['VMOpen',         'host', [$PATH],                      { 0 => 'path' }],
    ['HostOpenVM',     'host', [$PATH, 0, 0],                { 0 => 'path', 1 => 'int', 2 => 'int' }],
    ['RegisterVM',     'host', [$PATH],                      { 0 => 'path' }],
    ['UnregisterVM',   'host', [$PATH],                      { 0 => 'path' }],
    ['VMPowerOn',      'vm',   [0, 0],                       { 0 => 'int', 1 => 'int' }],
    ['VMPowerOff',     'vm',   [0],                          { 0 => 'int' }],
    ['VMReset',        'vm',   [0],                          { 0 => 'int' }],
    ['VMSuspend',      'vm',   [0],                          { 0 => 'int' }],
    ['VMPause',        'vm',   [0, 0],                       { 0 => 'int', 1 => 'int' }],
    ['VMUnpause',      'vm',   [0, 0],                       { 0 => 'int', 1 => 'int' }],
    ['VMDelete',       'vm',   [VIX_VMDELETE_DISK_FILES],    { 0 => 'int' }],
);

for my $f (@FNS) {
    my ($fn, $kind, $valid, $params) = @$f;
    my $good = $kind eq 'host' ? $h : $VM;
    my $wrong = $kind eq 'host' ? $VM : $h;

    # The handle: stale/unknown, wrong type; then with every parameter bad
    # too, the handle still decides.
    for my $s (@STALE) {
        case("$s->[1] handle", $fn, [$s->[0], @$valid], VIX_E_INVALID_HANDLE);
    }
    case('wrong-type handle', $fn, [$wrong, @$valid], VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE);
    case('wrong-type handle, bad parameters', $fn, [$wrong, map { [] } @$valid], VIX_E_NOT_SUPPORTED_ON_HANDLE_TYPE);
    case('stale handle, bad parameters', $fn, [$released, map { $BAD8 } @$valid], VIX_E_INVALID_HANDLE);

    for my $i (sort keys %$params) {
        my $pk = $params->{$i};
        my @bad = $pk eq 'path' ? (map { [$_->[0], $_->[1], $_->[2]] } @BADSTR, [undef, 'undef', VIX_E_INVALID_ARG])
                                : (map { [$_->[0], $_->[1], VIX_E_INVALID_ARG] } @BADINT);
        push @bad, [undef, 'undef', VIX_E_INVALID_ARG] if $pk eq 'searchtype';
        for my $b (@bad) {
            my @args = @$valid;
            $args[$i] = $b->[0];
            # Later parameters bad as well: the first failing one decides.
            $args[$_] = ($params->{$_} eq 'path' ? $BAD8 : 1.5) for grep { $_ > $i } keys %$params;
            my $want = $b->[2];
            case("param " . ($i + 2) . " $b->[1]", $fn, [$good, @args], $want);
        }
    }
}

# Pause/unpause: the handle is checked before the not-supported answer
# (SPEC-VM 17.4), and good arguments give VIX_E_NOT_SUPPORTED, still silent.
case('valid', 'VMPause', [$VM, 0, 0], VIX_E_NOT_SUPPORTED);
case('valid', 'VMUnpause', [$VM, 0, undef], VIX_E_NOT_SUPPORTED);
# Unknown option bits and property lists that are handles.
case('options 1<<30', 'VMPowerOn', [$VM, 1 << 30, 0], VIX_E_INVALID_ARG);
case('property list = host handle', 'VMPowerOn', [$VM, 0, $h], VIX_E_INVALID_ARG);
case('property list = VM handle', 'HostOpenVM', [$h, $PATH, 0, $VM], VIX_E_INVALID_ARG);
case('negative options', 'VMPowerOff', [$VM, -1], VIX_E_INVALID_ARG);
case('searchType 2**32+4', 'FindItems', [$h, 2**32 + 4, 0], VIX_E_INVALID_ARG);
case('path "[LocalDS_0] x" and options 1', 'HostOpenVM', [$h, '[LocalDS_0] x.vmx', 1, 0], VIX_E_INVALID_ARG);
case('empty path', 'VMOpen', [$h, ''], VIX_E_INVALID_ARG);
case('empty path', 'UnregisterVM', [$h, ''], VIX_E_INVALID_ARG);

# Wrong argument count dies with a usage message (normal XS behaviour).
for my $fn (map { $_->[0] } @FNS) {
    no strict 'refs';
    my $ok = eval { &{"VMware::Vix::Simple::$fn"}(); 1 };
    ok(!$ok && $@ =~ /Usage/, "$fn() without arguments dies with a usage message");
}

# The VM is untouched, the host handle still works.
my ($pe, $st) = GetProperties($VM, VIX_PROPERTY_VM_POWER_STATE);
ok($pe == VIX_OK && $st == VIX_POWERSTATE_POWERED_ON, 'after all that the VM is still on and the handle works');
note("$CASES cases");
HostDisconnect($h);
done_testing;
